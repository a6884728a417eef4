"""Previews of unpublished stories, exactly as readers will see them, and takedown pages.

Staff open a preview from the admin (ArticleAdmin's preview page); anyone holding a live
PreviewLink opens /preview/<signed token>/. Both render the story page's own view and
template with a banner, and are never cached: `private, no-store`, `X-Robots-Tag: noindex`,
and marked private (pagecache.private), so they neither read nor write any shared page,
block or data: a draft, its address or its token can never end up in a shared copy.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature, Signer
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from articles.models import Article
from articles.views import ArticleDetailView
from core import audit
from pagecache.private import mark_private, private_view

from .models import PreviewLink


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
        return (
            Article.objects.filter(pk=self.article.pk)
            .select_related("section", "lead_photo")
            .prefetch_related("tags")
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
        request, "editorial/preview_unavailable.html", {"message": message}, status=status
    )
    response.render()
    return private_headers(response)


# --- Making and ending preview links ------------------------------------------------------


@transaction.atomic
def create_preview_link(
    *, article: Article, by, label: str = "", expires_at: datetime
) -> PreviewLink:
    """Make a link that shows one unpublished story without a login.

    Refused (ValidationError, nothing written) for a withdrawn story or an expiry later than
    PREVIEW_LINK_MAX_DAYS from now. The story row is locked first, so a withdrawal running
    at the same moment either sees this link and revokes it or is seen here and refuses it.
    """
    if _staff(by) is not None and not by.has_perm("editorial.add_previewlink"):
        raise PermissionDenied("You cannot share preview links.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    link = PreviewLink(article=locked, label=label, expires_at=expires_at, created_by=_staff(by))
    link.full_clean()
    link.save()
    audit.record(
        action=audit.Action.PREVIEW_LINK_CREATED,
        target=locked,
        actor=_staff(by),
        expires_at=expires_at.isoformat(),
    )
    return link


def end_preview_links(*, article: Article) -> int:
    """A takedown ends every preview link of the story (the view refuses them as well)."""
    return revoke_preview_links(article.preview_links.filter(revoked_at=None))


def revoke_preview_links(links) -> int:
    """End preview links at once (the rows stay, as a record of who could read what)."""
    count = 0
    for link in links:
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            audit.record(action=audit.Action.PREVIEW_LINK_REVOKED, target=link.article)
            count += 1
    return count


def _staff(user):
    return user if user is not None and user.is_authenticated else None
