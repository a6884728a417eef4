"""Comment workflows: readers post, moderators approve or remove (the admin calls these)."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.services import User

from .models import Comment, comments_open

CLOSED_MESSAGE = "Comments on this story are closed."


def _staff(user: User):
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def post_comment(*, article: Article, name: str, email: str, body: str) -> Comment:
    """A reader's comment, waiting for moderation. Refused once comments are closed."""
    if not comments_open(article):
        raise ValidationError(CLOSED_MESSAGE, code="closed")
    if not email.strip():
        raise ValidationError({"email": "Please give your email address."}, code="required")
    comment = Comment(article=article, name=name.strip(), email=email.strip(), body=body.strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def erase_email(*, email: str) -> int:
    """Forget `email` on every comment written with it (any case); returns how many.

    Called by the subscriber erasure tool. The comments stay (they were published under a
    name, not an address); only the way back to their writer goes.
    """
    address = email.strip()
    if not address:
        return 0
    return Comment.objects.filter(email__iexact=address).update(email="")


def _moderate(comments, *, status: str, by: User) -> int:
    ids = list(comments.exclude(status=status).values_list("pk", flat=True))
    if not ids:
        return 0
    return Comment.objects.filter(pk__in=ids).update(
        status=status, moderated_at=timezone.now(), moderated_by=_staff(by)
    )


@transaction.atomic
def approve(comments, *, by: User) -> int:
    """Show these comments under their stories; returns how many changed."""
    changed = _moderate(comments, status=Comment.Status.APPROVED, by=by)
    if changed:
        _story_pages_changed()
    return changed


@transaction.atomic
def remove(comments, *, by: User) -> int:
    """Hide these comments (kept, marked removed, for the record); returns how many changed."""
    changed = _moderate(comments, status=Comment.Status.REMOVED, by=by)
    if changed:
        _story_pages_changed()
    return changed


def _story_pages_changed():
    # update() sends no signal, so cached story pages are retired here, after commit.
    if apps.is_installed("pagecache"):
        from pagecache import invalidate_pages

        invalidate_pages()
