"""Safe editing of one story by several people: who has it open, autosaved recovery copies,
and the check that refuses a save made on top of someone else's.

The admin (editorial/admin/editing.py) and its script (static/admin-extra/story-editing.js)
call these; tests call them directly. The script learns AUTOSAVED_FIELDS from the page.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from taggit.utils import edit_string_for_tags, parse_tags

from .models import AutosaveDraft

# The browser says "still here" every PRESENCE_HEARTBEAT_SECONDS; someone not heard from for
# PRESENCE_TIMEOUT_SECONDS has closed the story (or their laptop).
PRESENCE_HEARTBEAT_SECONDS = 20
PRESENCE_TIMEOUT_SECONDS = 60
AUTOSAVE_SECONDS = 30
# What the story form autosaves: its typed text. Inlines and files are not autosaved.
AUTOSAVED_FIELDS = (
    "headline",
    "slug",
    "dek",
    "body",
    "tags",
    "lead_photo_caption",
    "audio_transcript_url",
    "audio_transcript",
    "editor_notes",
)
# Restored onto the story object on the change form (tags are a manager, not an attribute).
RESTORABLE_ON_OBJECT = tuple(name for name in AUTOSAVED_FIELDS if name != "tags")
MAX_FIELD_CHARS = 200_000


def _presence_key(article_id) -> str:
    return f"articles:presence:{article_id}"


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def record_presence(*, article_id: int, user, now=None) -> list[dict]:
    """Note that `user` has the story open; returns the others seen in the last minute.

    One small dict per story in the cache (Redis in production). Two heartbeats landing at
    the same instant may drop one of them; the next one, 20 s later, puts it back, which is
    all a "who else is here" notice needs.
    """
    now = now or timezone.now()
    key = _presence_key(article_id)
    seen = _fresh(cache.get(key) or {}, now)
    seen[str(user.pk)] = {"name": _display_name(user), "at": now.timestamp()}
    cache.set(key, seen, PRESENCE_TIMEOUT_SECONDS * 2)
    return _others(seen, user)


def others_editing(*, article_id: int, user, now=None) -> list[dict]:
    """Everyone but `user` who has had the story open in the last minute, by name."""
    seen = _fresh(cache.get(_presence_key(article_id)) or {}, now or timezone.now())
    return _others(seen, user)


def leave(*, article_id: int, user) -> None:
    key = _presence_key(article_id)
    seen = cache.get(key) or {}
    if seen.pop(str(user.pk), None) is not None:
        cache.set(key, seen, PRESENCE_TIMEOUT_SECONDS * 2)


def _fresh(seen: dict, now) -> dict:
    cutoff = (now - timedelta(seconds=PRESENCE_TIMEOUT_SECONDS)).timestamp()
    return {uid: entry for uid, entry in seen.items() if entry["at"] >= cutoff}


def _others(seen: dict, user) -> list[dict]:
    return sorted(
        (
            {"name": entry["name"], "seen_at": entry["at"]}
            for uid, entry in seen.items()
            if uid != str(user.pk)
        ),
        key=lambda entry: entry["name"],
    )


# --- autosave --------------------------------------------------------------------------------


def story_key(article) -> str:
    return str(article.pk) if article is not None and article.pk else "new"


@transaction.atomic
def store_autosave(*, user, article, data: dict) -> AutosaveDraft:
    """Keep the latest recovery copy of what `user` typed; the story itself is untouched."""
    cleaned = {name: str(data[name])[:MAX_FIELD_CHARS] for name in AUTOSAVED_FIELDS if name in data}
    draft, _ = AutosaveDraft.objects.update_or_create(
        user=user,
        story_key=story_key(article),
        defaults={
            "article": article if article is not None and article.pk else None,
            "data": cleaned,
            "saved_at": timezone.now(),
        },
    )
    return draft


def pending_autosave(*, user, article) -> AutosaveDraft | None:
    """A recovery copy worth offering: newer than the story's last save, and different."""
    draft = AutosaveDraft.objects.filter(user=user, story_key=story_key(article)).first()
    if draft is None:
        return None
    if article is not None and article.pk:
        if article.modified_at and draft.saved_at <= article.modified_at:
            return None
        if not autosave_differs(article, draft):
            return None
    return draft


def autosave_differs(article, draft: AutosaveDraft) -> bool:
    for name in RESTORABLE_ON_OBJECT:
        if name in draft.data and draft.data[name] != str(getattr(article, name) or ""):
            return True
    if "tags" in draft.data:
        saved = sorted(parse_tags(edit_string_for_tags(article.tags.all())))
        return sorted(parse_tags(draft.data["tags"])) != saved
    return False


def discard_autosave(*, user, article) -> int:
    deleted, _ = AutosaveDraft.objects.filter(user=user, story_key=story_key(article)).delete()
    return deleted


def apply_autosave(article, draft: AutosaveDraft) -> None:
    """Put a recovery copy's text onto the story object (not saved): the form shows it."""
    for name in RESTORABLE_ON_OBJECT:
        if name in draft.data:
            setattr(article, name, draft.data[name])


# --- optimistic concurrency -----------------------------------------------------------------


def edit_token(article) -> str:
    """What the form remembers about the story it was opened at: its last-modified time."""
    return article.modified_at.isoformat() if article.modified_at else ""


def current_token(article_id) -> str:
    from articles.models import Article

    modified = Article.objects.filter(pk=article_id).values_list("modified_at", flat=True).first()
    return modified.isoformat() if modified else ""
