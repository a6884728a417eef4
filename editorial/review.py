"""Review and the record of a story's moves: every move between statuses becomes a
StatusChange row (who, when, from, to, why), a story sent to review is mailed to the
Editor group, and a withdrawn story's preview links end.

articles.services makes the moves (its publish/withdraw are the public API); this app hears
of each through articles.status_changes, where apps.EditorialConfig.ready() registers
`story_moved`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from articles.models import Article

from .models import StatusChange
from .roles import EDITOR


def story_moved(article: Article, *, from_status: str, by, note: str = "") -> None:
    """The listener articles.services calls after each move (`by`: staff user or None)."""
    record_status_change(article, from_status=from_status, by=by, note=note)
    if article.status == Article.Status.WITHDRAWN:
        from .preview import end_preview_links

        end_preview_links(article=article)


def record_status_change(
    article: Article, *, from_status: str, by, note: str = ""
) -> StatusChange | None:
    """Write down a move between statuses; on "in review", tell the editors after commit."""
    if from_status == article.status:
        return None
    change = StatusChange.objects.create(
        article=article,
        from_status=from_status or "",
        to_status=article.status,
        by=by if by is not None and by.is_authenticated else None,
        note=note[:300],
    )
    if article.status == Article.Status.IN_REVIEW:
        article_pk, by_pk = article.pk, change.by_id
        transaction.on_commit(lambda: notify_editors_of_review(article_pk, by_pk))
    return change


def notify_editors_of_review(article_pk: int, by_pk: int | None) -> int:
    """Email the Editor group that a story awaits review; returns how many were written to."""
    article = Article.objects.filter(pk=article_pk).select_related("section").first()
    if article is None:
        return 0
    users = get_user_model().objects.filter(groups__name=EDITOR, is_active=True)
    recipients = sorted({email for email in users.values_list("email", flat=True) if email})
    if not recipients:
        return 0
    filer = get_user_model().objects.filter(pk=by_pk).first() if by_pk else None
    who = (filer.get_full_name() or filer.get_username()) if filer else "Someone"
    link = settings.SITE_URL.rstrip("/") + reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    send_mail(
        subject=f"For review: {article.headline}",
        message=(
            f"{who} has submitted a story for review.\n\n"
            f"{article.headline}\nSection: {article.section}\n\nOpen it: {link}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
