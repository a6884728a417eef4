"""Story and photo workflows: the admin, its actions, commands and tests all go through these.

Each function validates with `full_clean()` before it writes, runs in one transaction and
saves with `update_fields` where it changes only a few columns, so two editors working on
different parts of a story never overwrite each other's fields.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article, ArticleSlugHistory, Byline, Photo

# What a reader sees of a story. Changing one of these after publication shows "Updated …".
READER_VISIBLE_FIELDS = ("headline", "dek", "body", "lead_photo_id", "lead_photo_caption")
PUBLIC_STATUSES = frozenset({Article.Status.PUBLISHED, Article.Status.SCHEDULED})
FLAG_FIELDS = ("is_featured", "is_editors_pick", "in_news_feed")
# Bylines typed without a position go after the ones that have one.
UNPOSITIONED = 32_000

User = AbstractBaseUser | AnonymousUser | None

NO_BYLINE_MESSAGE = "Add at least one byline (a person or a desk) before publishing."


def _staff(user: User):
    """The user to record, or None for anonymous callers (scripts pass None)."""
    return user if user is not None and user.is_authenticated else None


def _settle_status(article: Article, *, now: datetime) -> None:
    """A public story with a future time is scheduled; a scheduled one whose time has come,
    published. Editors may pick either and get the right one."""
    if article.status not in PUBLIC_STATUSES:
        return
    if article.publish_at is None:
        article.publish_at = now
    article.status = (
        Article.Status.SCHEDULED if article.publish_at > now else Article.Status.PUBLISHED
    )


def _reader_visible_changes(before: Article, after: Article) -> list[str]:
    return [name for name in READER_VISIBLE_FIELDS if getattr(before, name) != getattr(after, name)]


@transaction.atomic
def save_story(*, article: Article, by: User) -> Article:
    """Validate and save a story as an editor changed it (the admin form calls this).

    Stamps `created_by` on a new story and `published_by` when it goes public, settles
    published vs scheduled from `publish_at`, and sets `updated_at` when a story readers
    can already see changes in what they read. Bylines, tags and embeds are saved by the
    caller afterwards; `publish()` is the path that insists on a byline.
    """
    now = timezone.now()
    before = None
    if article.pk is not None:
        # Locked so two saves racing on one story compare against the row they replace.
        before = Article.objects.select_for_update().filter(pk=article.pk).first()
    if before is None:
        article.created_by = article.created_by or _staff(by)

    _settle_status(article, now=now)
    if article.status in PUBLIC_STATUSES and (
        before is None or before.status not in PUBLIC_STATUSES
    ):
        article.published_by = _staff(by)
    if before is not None and before.is_published and _reader_visible_changes(before, article):
        article.updated_at = now

    article.full_clean()
    article.save()
    if before is not None and before.slug != article.slug:
        remember_old_slug(article=article, old_slug=before.slug)
    return article


def remember_old_slug(*, article: Article, old_slug: str) -> None:
    """Keep answering a story's previous address (articles.redirects sends it on with a 301).

    History rows point at the story itself, so every earlier address leads straight to the
    current one. An address a story takes back, or another story now uses, stops being
    history: the live page wins.
    """
    ArticleSlugHistory.objects.filter(slug=article.slug).delete()
    ArticleSlugHistory.objects.update_or_create(slug=old_slug, defaults={"article": article})


@transaction.atomic
def publish(article: Article, *, by: User, at: datetime | None = None) -> Article:
    """Put a story live now, or schedule it for `at`.

    A story needs at least one byline to go out. Publishing a story that readers can
    already see, without a new time, changes nothing (its publish time stays the one
    readers were shown).
    """
    if not article.bylines.exists():
        raise ValidationError(NO_BYLINE_MESSAGE, code="no_byline")
    if at is not None and timezone.is_naive(at):
        raise ValueError("publish(at=...) needs a timezone-aware datetime.")
    if at is None and article.is_published:
        return article

    now = timezone.now()
    article.publish_at = at or now
    article.status = Article.Status.PUBLISHED
    _settle_status(article, now=now)
    article.published_by = _staff(by)
    article.full_clean()
    article.save(update_fields=["status", "publish_at", "published_by", "modified_at"])
    return article


@transaction.atomic
def withdraw(article: Article) -> Article:
    """Take a story off the site. It keeps its publish time, so republishing restores it."""
    article.status = Article.Status.WITHDRAWN
    article.full_clean()
    article.save(update_fields=["status", "modified_at"])
    return article


@transaction.atomic
def set_story_flags(articles: Iterable[Article], **flags: bool) -> list[Article]:
    """Set featured / editors' pick / news-feed flags; returns the stories that changed.

    Saved one by one with `update_fields` (not `QuerySet.update()`), so `modified_at` moves
    and save signals (cache invalidation) see every story.
    """
    unknown = set(flags) - set(FLAG_FIELDS)
    if unknown:
        raise ValueError(f"Unknown story flags: {', '.join(sorted(unknown))}")
    changed = []
    for article in articles:
        fields = [name for name, value in flags.items() if getattr(article, name) != value]
        if not fields:
            continue
        for name in fields:
            setattr(article, name, flags[name])
        article.save(update_fields=[*fields, "modified_at"])
        changed.append(article)
    return changed


@transaction.atomic
def renumber_bylines(*, article: Article) -> list[Byline]:
    """Number a story's bylines 1, 2, 3… in their current order (gaps and blanks closed)."""
    bylines = list(article.bylines.order_by("position", "pk"))
    changed = []
    for number, byline in enumerate(bylines, start=1):
        if byline.position != number:
            byline.position = number
            changed.append(byline)
    if changed:
        Byline.objects.bulk_update(changed, ["position"])
    return bylines


@transaction.atomic
def save_photo(*, photo: Photo, by: User) -> Photo:
    """Validate and save a photo, then make its resized renditions.

    The renditions are written inside the request: an editor who uploads a photo and
    publishes a minute later must never send the original to readers' phones.
    """
    from .renditions import delete_renditions, ensure_renditions

    stored = None
    if photo.pk is None:
        photo.uploaded_by = photo.uploaded_by or _staff(by)
    else:
        stored = Photo.objects.filter(pk=photo.pk).values("image", "renditions").first()
    # A file already in storage was checked when it was uploaded; reading it back on every
    # caption edit would fetch the whole original (from S3 in production) for nothing.
    unchanged_image = stored is not None and stored["image"] == photo.image.name
    photo.full_clean(exclude=["image"] if unchanged_image else None)
    photo.save()
    ensure_renditions(photo)
    old_renditions = (stored or {}).get("renditions") or {}
    if old_renditions.get("base") and old_renditions["base"] != photo.renditions.get("base"):
        # The image was replaced: its old copies are no longer listed anywhere.
        transaction.on_commit(lambda: delete_renditions(old_renditions))
    return photo
