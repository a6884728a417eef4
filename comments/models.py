from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article

BODY_MAX_LENGTH = 3000


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    """A reader's comment on a story. It waits for a moderator before anyone sees it.

    The email address is kept so the newsroom can reach the writer; it is never shown.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REMOVED = "removed", "Removed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=80)
    # Blank only once erased with its writer's subscriber data (subscriptions' erasure tool).
    email = models.EmailField(blank=True)
    body = models.TextField("comment", max_length=BODY_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"])]

    def __str__(self):
        return f"{self.name} on “{self.article}”"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"


def comments_close_at(article: Article):
    """When comments on a story close: COMMENTS_CLOSE_AFTER_DAYS after publication."""
    if article.publish_at is None:
        return None
    return article.publish_at + timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS)


def comments_open(article: Article, *, at=None) -> bool:
    """Readers may comment: the story is public, editors left comments on, not yet closed."""
    at = at or timezone.now()
    close_at = comments_close_at(article)
    return bool(article.comments_enabled and article.is_published and close_at and at < close_at)
