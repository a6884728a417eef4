"""Reader pages for newsletters: the list with a signup box, each archive, each issue.

All three are the same for every visitor (the signup box carries no CSRF token): they are in
PAGE_CACHE_VIEWS, so the page cache keeps them and tells CDNs how long they may, within the
same freshness bound as every reader page (PAGE_CACHE_STALE_SECONDS).

Only public newsletters have addresses anyone could guess. A private newsletter's issues
open at /newsletters/read/<token>/ (each issue's own random token, in its emails), never
cached by a shared cache, never indexed, and never sent on in a Referer.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView, ListView

from articles.models import Article, Byline
from subscriptions.models import Newsletter

from .models import IssueStory, NewsletterIssue


class NewsletterIndexView(ListView):
    template_name = "newsletters/newsletter_list.html"
    context_object_name = "newsletters"

    def get_queryset(self):
        return Newsletter.objects.public()


class NewsletterArchiveView(ListView):
    template_name = "newsletters/archive.html"
    context_object_name = "issues"
    paginate_by = 30

    def get_queryset(self):
        self.newsletter = get_object_or_404(Newsletter.objects.public(), slug=self.kwargs["slug"])
        return (
            NewsletterIssue.objects.published()
            .filter(newsletter=self.newsletter)
            .select_related("newsletter")
            .order_by("-started_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            newsletter=self.newsletter, newsletter_as_list=[self.newsletter], **kwargs
        )


class IssueDetailView(DetailView):
    """An issue as a web page: the "view in browser" link of every email lands here."""

    template_name = "newsletters/issue_detail.html"
    context_object_name = "issue"

    def get_queryset(self):
        return NewsletterIssue.objects.published().select_related("newsletter")

    def get_object(self, queryset=None):
        return get_object_or_404(
            self.get_queryset().filter(newsletter__is_public=True),
            pk=self.kwargs["pk"],
            newsletter__slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        issue_stories = (
            IssueStory.objects.filter(issue=self.object, article__in=Article.objects.published())
            .select_related("article__section", "article__lead_photo")
            .prefetch_related(
                Prefetch(
                    "article__bylines",
                    queryset=Byline.objects.select_related("author").order_by("position"),
                )
            )
            .order_by("position", "pk")
        )
        newsletter = self.object.newsletter
        return super().get_context_data(
            newsletter=newsletter,
            # A private newsletter's issue can be read from its email, not signed up for here.
            newsletter_as_list=[newsletter] if newsletter.is_public else [],
            stories=[issue_story.article for issue_story in issue_stories],
            **kwargs,
        )


class IssueByTokenView(IssueDetailView):
    """A private newsletter's issue, found by its token alone (the email's link)."""

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_queryset(), web_token=self.kwargs["token"])
        if self.object.newsletter.is_public:
            # Mailed while the newsletter was private; it has its plain address now.
            return redirect(self.object.get_absolute_url())
        response = self.render_to_response(self.get_context_data(object=self.object))
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
