"""Story and photo workflows: the admin, its actions, commands and tests all go through these.

What else a move between statuses sets off (the desk's record of it, the email to the
editors, the end of a withdrawn story's preview links) the editorial app registers in
articles.status_changes: this app does not import the one above it.

Each function validates with `full_clean()` before it writes, runs in one transaction and
saves with `update_fields` where it changes only a few columns, so two editors working on
different parts of a story never overwrite each other's fields.
"""

from collections.abc import Iterable
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit

from . import permissions, status_changes
from .models import PUBLIC_STATUSES, Article, ArticleSlugHistory, Byline, Correction

# What a reader sees of a story. Changing one of these after publication shows "Updated …".
READER_VISIBLE_FIELDS = ("headline", "dek", "body", "lead_photo_id", "lead_photo_caption")
# Moves into these statuses are security-relevant: they put words on the site under the
# outlet's name, or take them down (core.audit).
AUDITED_STATUSES = {
    Article.Status.PUBLISHED: audit.Action.STORY_PUBLISHED,
    Article.Status.SCHEDULED: audit.Action.STORY_SCHEDULED,
    Article.Status.WITHDRAWN: audit.Action.STORY_WITHDRAWN,
}
FLAG_FIELDS = ("is_featured", "is_editors_pick", "in_news_feed")
# Bylines typed without a position go after the ones that have one.
UNPOSITIONED = 32_000

User = AbstractBaseUser | AnonymousUser | None

NO_BYLINE_MESSAGE = "Add at least one byline (a person or a desk) before publishing."
NOT_PUBLISHER_MESSAGE = (
    "Only editors can publish, schedule or unpublish a story. Set it to “In review” and an "
    "editor will take it from there."
)
NOT_YOURS_MESSAGE = (
    "You can edit your own stories while they are drafts or in review; this one is not "
    "yours to change now. Ask an editor."
)
NOT_WITHDRAWER_MESSAGE = "Only editors can withdraw a story from the site."


def _staff(user: User):
    """The user to record, or None for anonymous callers (scripts pass None)."""
    return user if user is not None and user.is_authenticated else None


def _checked(user: User) -> bool:
    """Whether rules apply: scripts and commands pass no user and act as the system."""
    return _staff(user) is not None


def _check_transition(user: User, before: Article | None, article: Article) -> None:
    """Refuse (PermissionDenied) what the user's role may not do to this story."""
    if not _checked(user):
        return
    stored_status = before.status if before is not None else None
    if before is not None and not permissions.can_edit(user, before, status=stored_status):
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    if before is None and not user.has_perm("articles.add_article"):
        raise PermissionDenied("You cannot file stories.")
    refusal = status_refusal(user, stored_status, article.status)
    if refusal:
        raise PermissionDenied(refusal)


def status_refusal(user: User, stored_status: str | None, new_status: str) -> str | None:
    """Why the user's role may not put a story in `new_status` from `stored_status` (None for
    a new story), or None. The one copy of these rules: the story form's status field and
    `save_story` both ask it. A public story stays the publishers' even when its status is
    unchanged."""
    if new_status == Article.Status.WITHDRAWN and stored_status != Article.Status.WITHDRAWN:
        return None if permissions.can_withdraw(user) else NOT_WITHDRAWER_MESSAGE
    if new_status in PUBLIC_STATUSES or stored_status in PUBLIC_STATUSES:
        return None if permissions.can_publish(user) else NOT_PUBLISHER_MESSAGE
    return None


def _moved(article: Article, *, from_status: str, by, note: str = "") -> None:
    """After a move between statuses: audit a move that puts the story on the site or takes
    it down, and tell the apps that keep the desk's records (articles.status_changes)."""
    if from_status == article.status:
        return
    if action := AUDITED_STATUSES.get(article.status):
        audit.record(action=action, target=article, actor=by, article_id=article.pk)
    status_changes.announce(article, from_status=from_status, by=by, note=note)


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
def save_story(*, article: Article, by: User, note: str = "") -> Article:
    """Validate and save a story as an editor changed it (the admin form calls this).

    Stamps `created_by` on a new story and `published_by` when it goes public, settles
    published vs scheduled from `publish_at`, and sets `updated_at` when a story readers
    can already see changes in what they read. Bylines, tags and embeds are saved by the
    caller afterwards; `publish()` is the path that insists on a byline.
    """
    # Every save keeps a revision (editorial/revisions.py): inside the admin's own revision
    # block this joins it; called from anywhere else it makes one.
    with reversion.create_revision():
        if _staff(by) is not None and reversion.get_user() is None:
            reversion.set_user(by)
        if not reversion.get_comment():
            reversion.set_comment(note or "Saved.")
        return _save_story(article=article, by=_staff(by), note=note)


def _save_story(*, article: Article, by: User, note: str) -> Article:
    now = timezone.now()
    before = None
    if article.pk is not None:
        # Locked so two saves racing on one story compare against the row they replace.
        before = Article.objects.select_for_update().filter(pk=article.pk).first()
    if before is None:
        article.created_by = article.created_by or _staff(by)
    _check_transition(by, before, article)

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
    _moved(article, from_status=before.status if before else "", by=_staff(by), note=note)
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
    if _checked(by) and not permissions.can_publish(by):
        raise PermissionDenied(NOT_PUBLISHER_MESSAGE)
    if not article.bylines.exists():
        raise ValidationError(NO_BYLINE_MESSAGE, code="no_byline")
    if at is not None and timezone.is_naive(at):
        raise ValueError("publish(at=...) needs a timezone-aware datetime.")
    if at is None and article.is_published:
        return article

    now = timezone.now()
    from_status = article.status
    article.publish_at = at or now
    article.status = Article.Status.PUBLISHED
    _settle_status(article, now=now)
    article.published_by = _staff(by)
    article.full_clean()
    article.save(update_fields=["status", "publish_at", "published_by", "modified_at"])
    _moved(article, from_status=from_status, by=_staff(by))
    return article


@transaction.atomic
def withdraw(article: Article, *, by: User = None, note: str = "") -> Article:
    """Take a story off the site (a takedown). Its page answers 410 Gone and it leaves every
    listing, feed, sitemap and newsletter page at once (they all use `published()`; the page
    cache retires on the save), and its preview links end for good (republishing does not
    revive them). It keeps its publish time, so republishing restores it."""
    if _checked(by) and not permissions.can_withdraw(by):
        raise PermissionDenied(NOT_WITHDRAWER_MESSAGE)
    _move_to(article, Article.Status.WITHDRAWN, by=by, note=note)
    return article


@transaction.atomic
def unpublish(article: Article, *, by: User, note: str = "") -> Article:
    """Back to draft: off the site (404, not 410: it was not taken down) until published."""
    if _checked(by) and not permissions.can_publish(by):
        raise PermissionDenied(NOT_PUBLISHER_MESSAGE)
    _move_to(article, Article.Status.DRAFT, by=by, note=note)
    return article


def _move_to(article: Article, status: str, *, by: User, note: str) -> None:
    """Set a status that needs no publish time (the caller has checked the user may)."""
    from_status = article.status
    article.status = status
    article.full_clean()
    article.save(update_fields=["status", "modified_at"])
    _moved(article, from_status=from_status, by=_staff(by), note=note)


@transaction.atomic
def submit_for_review(article: Article, *, by: User, note: str = "") -> Article:
    """A draft goes to the editors: status "in review", and the Editor group gets an email."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if _checked(by) and not permissions.can_edit(by, locked):
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    if locked.status != Article.Status.DRAFT:
        raise ValidationError("Only a draft can be submitted for review.", code="not_draft")
    article.status = Article.Status.IN_REVIEW
    article.save(update_fields=["status", "modified_at"])
    _moved(article, from_status=locked.status, by=_staff(by), note=note)
    return article


@transaction.atomic
def add_correction(
    article: Article, *, text: str, by: User, kind: str = Correction.Kind.CORRECTION, at=None
) -> Correction:
    """Publish a correction or update at the foot of a story.

    The story's `updated_at` moves to it, so dateModified (JSON-LD), the sitemap's lastmod and
    the feeds' updated dates follow, and the save retires cached pages.
    """
    if _checked(by) and not by.has_perm("articles.add_correction"):
        raise PermissionDenied("Only editors can publish corrections.")
    correction = Correction(
        article=article, kind=kind, text=text, published_at=at or timezone.now()
    )
    correction.created_by = _staff(by)
    correction.full_clean()
    correction.save()
    touch_for_correction(article, correction)
    return correction


def touch_for_correction(article: Article, correction: Correction) -> None:
    """Move the story's modified time to a correction newer than it (never backwards)."""
    if article.updated_at is None or correction.published_at > article.updated_at:
        article.updated_at = correction.published_at
        article.save(update_fields=["updated_at", "modified_at"])


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
