"""Previews of unpublished stories, exactly as readers will see them, and takedown pages.

Staff open a preview from the admin (ArticleAdmin's preview page); anyone holding a live
PreviewLink opens /preview/<signed token>/. Both render the story page's own view and
template with a banner, and are never cached: `private, no-store`, `X-Robots-Tag: noindex`,
and marked private (pagecache.private), so they neither read nor write any shared page,
block or data: a draft, its address or its token can never end up in a shared copy.
"""

from django.core.signing import BadSignature, Signer
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from pagecache.private import mark_private, private_view

from .models import Article, PreviewLink, RelatedEmbed
from .views import ArticleDetailView


def private_headers(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PreviewStoryView(ArticleDetailView):
    """The story page for any status; `article` is handed in, never looked up by slug."""

    article = None
    shared = False
    answer_gone = False

    def get_queryset(self):
        embeds = RelatedEmbed.objects.select_related(
            "image", "target_article__section", "target_article__lead_photo"
        ).order_by("position", "pk")
        return (
            Article.objects.filter(pk=self.article.pk)
            .select_related("section", "lead_photo")
            .prefetch_related("tags", Prefetch("embeds", queryset=embeds))
        )

    def get_object(self, queryset=None):
        self.kwargs["pk"] = self.article.pk
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        # A preview is no read: the beacon and the comment form stay out of it.
        return super().get_context_data(preview=True, preview_shared=self.shared, **kwargs)


def render_preview(request, article, *, shared):
    mark_private(request)  # the staff preview in the admin comes here too
    view = PreviewStoryView.as_view(article=article, shared=shared)
    response = view(request, slug=article.slug)
    response.render()
    return private_headers(response)


@private_view
def preview_link_view(request, signed):
    """A shared preview: the signature first (no query for a forged or altered link), then
    the row, which must be neither revoked nor expired, and its story, which must not be
    withdrawn: a takedown ends the link even if its row was missed or written afterwards."""
    try:
        token = Signer(salt="articles.preview").unsign(signed)
    except BadSignature:
        return _unavailable(request, "This preview link is not valid.", status=404)
    link = PreviewLink.objects.select_related("article").filter(token=token).first()
    if link is None:
        return _unavailable(request, "This preview link is not valid.", status=404)
    if link.revoked_at is not None or link.article.status == Article.Status.WITHDRAWN:
        return _unavailable(request, "This preview link has been withdrawn.", status=410)
    if not link.is_active:
        return _unavailable(request, "This preview link has expired.", status=410)
    return render_preview(request, link.article, shared=True)


def _unavailable(request, message, *, status):
    response = TemplateResponse(
        request, "articles/preview_unavailable.html", {"message": message}, status=status
    )
    response.render()
    return private_headers(response)
