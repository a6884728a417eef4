"""The desk's records about a story: its moves between statuses, the preview links that show
it before it is out, and the recovery copies the story form autosaves.

They moved here from articles and keep their tables (`articles_statuschange`, ...; see
editorial/migrations/0001_initial.py): content types, permissions and history kept their ids.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone


class StatusChange(models.Model):
    """One move of a story between statuses: who, when, from, to. Never edited afterwards."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("from", max_length=20, blank=True)
    to_status = models.CharField("to", max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "articles_statuschange"
        ordering = ["-at", "-pk"]
        verbose_name = "status change"

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"

    def _label(self, value):
        from articles.models import Article

        return dict(Article.Status.choices).get(value, value or "New")

    @property
    def from_label(self):
        return self._label(self.from_status)

    @property
    def to_label(self):
        return self._label(self.to_status)


def new_preview_token():
    return secrets.token_urlsafe(32)


WITHDRAWN_STORY_LINK_MESSAGE = (
    "This story has been withdrawn: its preview links have ended and no new one can be made."
)


def latest_preview_expiry():
    """The latest expiry a link made or extended now may have (PREVIEW_LINK_MAX_DAYS)."""
    return timezone.now() + timedelta(days=settings.PREVIEW_LINK_MAX_DAYS)


def preview_expiry_message():
    days = settings.PREVIEW_LINK_MAX_DAYS
    unit = "day" if days == 1 else "days"
    return f"A preview link can last at most {days} {unit}; choose an earlier expiry."


def default_preview_expiry():
    return min(timezone.now() + timedelta(days=2), latest_preview_expiry())


class PreviewLink(models.Model):
    """A link that shows one unpublished story to someone without a login (a lawyer, a source).

    The token is random (256 bits) and the row is the authority: deleting or revoking it, or
    its expiry passing, ends the link at once. The URL carries the token signed with the
    site's key as well, so a guessed or altered link is refused before any query runs.
    No link outlives PREVIEW_LINK_MAX_DAYS from when it is made or extended, and none is made
    for a withdrawn story (whose links the withdrawal ended).
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    label = models.CharField(
        "for", max_length=120, blank=True, help_text="Who the link is for, e.g. “Legal review”."
    )
    expires_at = models.DateTimeField(default=default_preview_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "articles_previewlink"
        ordering = ["-created_at"]
        verbose_name = "preview link"

    def __str__(self):
        return self.label or f"Preview of {self.article}"

    def get_absolute_url(self):
        return reverse("editorial:preview_link", kwargs={"signed": self.signed_value()})

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def clean(self):
        from articles.models import Article

        errors = {}
        # The stored status, not the caller's copy: a story withdrawn a moment ago counts.
        if Article.objects.filter(pk=self.article_id, status=Article.Status.WITHDRAWN).exists():
            errors["article"] = WITHDRAWN_STORY_LINK_MESSAGE
        if self.expires_at is not None and self.expires_at > latest_preview_expiry():
            errors["expires_at"] = preview_expiry_message()
        if errors:
            raise ValidationError(errors)

    def signed_value(self):
        from django.core.signing import Signer

        # The salt it was made with when the model lived in articles: shared links stay valid.
        return Signer(salt="articles.preview").sign(self.token)


class AutosaveDraft(models.Model):
    """What one editor had typed into one story form, saved every 30 s by the browser.

    Never written over the story itself: after a crash or a closed tab the form offers to
    put it back, and it is deleted once the story is saved normally. `story_key` is the
    story's id, or "new" for the add form (one unsaved new story per editor).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosave_drafts"
    )
    story_key = models.CharField(max_length=20)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosave_drafts",
    )
    # {"headline": "...", "dek": "...", "body": "...", ...}: form field names to values.
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    class Meta:
        db_table = "articles_autosavedraft"
        verbose_name = "autosaved recovery copy"
        constraints = [
            models.UniqueConstraint(fields=["user", "story_key"], name="autosave_one_per_story")
        ]

    def __str__(self):
        return f"Recovery copy of {self.story_key} for {self.user_id}"
