"""Story revisions (django-reversion): what is kept, how two are compared, how one comes back.

A revision is one whole story as it was saved: the article row *and* its bylines and tags
(reversion's `follow`), stored together, so restoring brings them all back. Cards, links,
media, photos and pull quotes are blocks in the body, so they travel with it.

Revisions saved before migration 0013 keep the story's related embeds as RelatedEmbed rows
beside a body without blocks. Comparing or restoring one places those rows in its body as
blocks, exactly as the migration did (articles.body.place_blocks), so an old revision
compares with a new one block for block and restores to a body that shows them.
Registered in EditorialConfig.ready().
"""

import difflib
import re

import reversion
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from reversion.errors import RevertError
from reversion.models import Version
from taggit.models import Tag, TaggedItem

# Restoring brings back what was written, never the story's place in the workflow: an old
# revision must not republish a withdrawn story or let a reporter schedule one.
RESTORED_FIELDS = (
    "headline",
    "slug",
    "dek",
    "body",
    "section_id",
    "kind",
    "lead_photo_id",
    "lead_photo_caption",
    "audio",
    "audio_ai_assisted",
    "audio_transcript_url",
    "audio_transcript",
    "editor_notes",
)
# Filled by the database or derived: nothing worth keeping in every revision.
NOT_VERSIONED = ("search_vector", "reading_minutes", "modified_at")


def register_models():
    from articles.models import Article, Byline, RelatedEmbed

    if reversion.is_registered(Article):
        return
    reversion.register(Article, exclude=NOT_VERSIONED, follow=("bylines", "tagged_items"))
    reversion.register(Byline)
    # No longer saved (blocks live in the body), but revisions from before migration 0013
    # hold its rows, and reading them needs the registration.
    reversion.register(RelatedEmbed)
    # A tag deleted since stays restorable: its row travels with the tagged item.
    reversion.register(TaggedItem, follow=("tag",))
    reversion.register(Tag)


def story_versions(article):
    """The story's own versions (one per revision), newest first, with who saved them."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def latest_version(article):
    return story_versions(article).first()


def describe(version) -> str:
    """'Nov 25, 2026 14:02 by Olha' for messages and comments."""
    revision = version.revision
    when = date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    user = revision.user
    who = (user.get_full_name() or user.get_username()) if user else "the system"
    return f"{when} by {who}"


def revision_body(version, related=None) -> str:
    """The story's body as of this revision, with the RelatedEmbed rows of a revision from
    before migration 0013 placed in it as blocks."""
    from articles.body import block_from_embed, place_blocks
    from articles.models import Article, RelatedEmbed

    fields = version.field_dict
    if related is None:
        related = list(version.revision.version_set.select_related("content_type"))
    embeds = sorted(
        (
            other.field_dict
            for other in related
            if other._model is RelatedEmbed and other.field_dict["article_id"] == fields["id"]
        ),
        key=lambda data: (data["position"], data["id"]),
    )
    if not embeds:
        return fields.get("body", "")
    targets = Article.objects.only("headline", "slug").in_bulk(
        {data["target_article_id"] for data in embeds if data["target_article_id"]}
    )
    placed = []
    for data in embeds:
        target = targets.get(data["target_article_id"])
        block = block_from_embed(
            data,
            target_headline=target.headline if target else "",
            target_url=target.get_absolute_url() if target else "",
        )
        placed.append((data["after_paragraph"], block))
    return place_blocks(fields.get("body", ""), placed)


BLOCK_LABELS = {
    "story": "Story card",
    "link": "Outside link",
    "media": "Media",
    "photo": "Photo",
    "quote": "Pull quote",
}


def block_label(block) -> str:
    summary = (
        block.get("data-title")
        or block.get("data-headline")
        or block.get("data-text")
        or block.get("data-caption")
        or block.get("data-url")
        or (f"photo #{block.get('data-photo')}" if block.get("data-photo") else "")
    )
    return f"{BLOCK_LABELS[block.kind]}: {summary}".strip(": ")


def snapshot(version) -> dict:
    """What an editor compares: the text, plus bylines, tags and blocks, from one revision."""
    from articles.body import blocks_in
    from articles.models import Author, Byline

    fields = version.field_dict
    related = list(version.revision.version_set.select_related("content_type"))
    bylines, tag_ids = [], []
    for other in related:
        model = other._model
        if model is Byline and other.field_dict["article_id"] == fields["id"]:
            bylines.append((other.field_dict["position"], other.field_dict["author_id"]))
        elif model is TaggedItem and str(other.field_dict["object_id"]) == str(fields["id"]):
            tag_ids.append(other.field_dict["tag_id"])
    names = dict(Author.objects.filter(pk__in=[a for _, a in bylines]).values_list("pk", "name"))
    tag_names = _tag_names(related, tag_ids)
    body = revision_body(version, related)
    return {
        "headline": fields.get("headline", ""),
        "dek": fields.get("dek", ""),
        "body": body_text(body),
        "bylines": [names.get(author, f"author #{author}") for _, author in sorted(bylines)],
        "tags": sorted(tag_names),
        "embeds": [block_label(block) for block in blocks_in(body)],
        "editor_notes": fields.get("editor_notes", ""),
    }


def _tag_names(related_versions, tag_ids):
    stored = {
        other.field_dict["id"]: other.field_dict["name"]
        for other in related_versions
        if other._model is Tag
    }
    missing = set(tag_ids) - set(stored)
    if missing:
        stored.update(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [stored.get(tag_id, f"tag #{tag_id}") for tag_id in tag_ids]


def body_text(html: str) -> str:
    """The body as words: paragraph breaks kept as blank lines so the diff reads like text,
    each block as one line saying what it is ("[Story card: …]")."""
    from articles.body import BLOCK_FIGURE

    html = BLOCK_FIGURE.sub(lambda match: f"<p>[{_label_of(match.group(0))}]</p>", html or "")
    html = re.sub(r"</(p|h[1-6]|li|blockquote)>", "\n\n", html or "", flags=re.IGNORECASE)
    html = re.sub(r"<br\s*/?>", "\n", html, flags=re.IGNORECASE)
    text = strip_tags(html)
    return "\n\n".join(line.strip() for line in text.split("\n\n") if line.strip())


def _label_of(figure: str) -> str:
    from articles.body import blocks_in

    found = blocks_in(figure)
    return block_label(found[0]) if found else "Block"


def word_diff(old: str, new: str):
    """Word-level diff as safe HTML: removed words in <del>, added words in <ins>, escaped."""
    old_words = re.findall(r"\S+|\s+", old or "")
    new_words = re.findall(r"\S+|\s+", new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_words[a1:a2]), "".join(new_words[b1:b2])
        if op == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(str(part) for part in parts))


def list_diff(old: list, new: list):
    """Items of two lists (bylines, tags): removed ones in <del>, added ones in <ins>."""
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op == "equal":
            parts += [escape(item) for item in old[a1:a2]]
            continue
        parts += [format_html("<del>{}</del>", item) for item in old[a1:a2]]
        parts += [format_html("<ins>{}</ins>", item) for item in new[b1:b2]]
    return mark_safe(", ".join(str(part) for part in parts) or "—")


COMPARED = (
    ("headline", "Headline", word_diff),
    ("dek", "Standfirst", word_diff),
    ("body", "Body", word_diff),
    ("bylines", "Bylines", list_diff),
    ("tags", "Tags", list_diff),
    ("embeds", "Blocks (cards, links, media, photos, quotes)", list_diff),
    ("editor_notes", "Editors' notes", word_diff),
)


def compare(old_version, new_version) -> list[dict]:
    """Rows for the compare page: one per compared part, with a changed flag and the diff."""
    old, new = snapshot(old_version), snapshot(new_version)
    return [
        {"label": label, "changed": old[key] != new[key], "diff": differ(old[key], new[key])}
        for key, label, differ in COMPARED
    ]


@transaction.atomic
def restore(*, article, version, by):
    """Bring a story back to one of its revisions, as a new revision (history is kept).

    The text and filing fields come back, and so do exactly the bylines and tags the revision
    had, and its blocks (a revision from before migration 0013: its embeds, placed in the
    body); the status, publish time and curation stay as they are now.
    """
    from articles.models import Byline
    from articles.services import renumber_bylines, save_story

    fields = version.field_dict
    versions = list(version.revision.version_set.select_related("content_type"))
    for name in RESTORED_FIELDS:
        if name in fields:
            setattr(article, name, fields[name])
    article.body = revision_body(version, versions)
    comment = f"Restored from the revision of {describe(version)}."
    with reversion.create_revision():
        reversion.set_comment(comment)
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        save_story(article=article, by=by, note=comment)
        # Clear the current set, then put back the revision's rows (their old ids included).
        article.bylines.all().delete()
        article.tagged_items.all().delete()
        # Tags deleted since come back; existing ones keep their current name.
        tag_versions = [v for v in versions if v._model is Tag]
        existing_tags = set(
            Tag.objects.filter(pk__in=[v.object_id for v in tag_versions]).values_list(
                "pk", flat=True
            )
        )
        _revert(v for v in tag_versions if int(v.object_id) not in existing_tags)
        _revert(
            v
            for v in versions
            if (v._model is Byline and v.field_dict["article_id"] == article.pk)
            or (v._model is TaggedItem and str(v.field_dict["object_id"]) == str(article.pk))
        )
        renumber_bylines(article=article)
        reversion.add_to_revision(article)
    return article


def _revert(versions):
    for version in versions:
        # A row pointing at something deleted since (an embedded story, an author) cannot
        # come back; the rest of the revision still does.
        try:
            with transaction.atomic():
                version.revert()
        except (IntegrityError, ObjectDoesNotExist, RevertError):
            continue
