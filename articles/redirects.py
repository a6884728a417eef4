"""Old story addresses keep working: /story/<old slug>/ answers 301 with the current one.

Slug changes are recorded as ArticleSlugHistory rows by articles.services.save_story. The
lookup runs only for a 404, like django.contrib.redirects' fallback middleware, so a page
that exists never pays for it.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

from .models import Article

# Story addresses that take the slug (the story page and its transcript page).
STORY_URL_NAMES = {"articles:article", "articles:transcript"}


def current_url_for_old_slug(path: str) -> str | None:
    """Where an old story address lives now, or None when the path is not one."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name not in STORY_URL_NAMES or "slug" not in match.kwargs:
        return None
    article = (
        Article.objects.published()
        .filter(old_slugs__slug=match.kwargs["slug"])
        .only("slug")
        .first()
    )
    if article is None or article.slug == match.kwargs["slug"]:
        return None
    return reverse(match.view_name, kwargs={**match.kwargs, "slug": article.slug})


class OldSlugRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        new_path = current_url_for_old_slug(request.path_info)
        if new_path is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        # reverse() already carries the script prefix of a site served below a path.
        return HttpResponsePermanentRedirect(new_path + (f"?{query}" if query else ""))
