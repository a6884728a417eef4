"""What of this app readers see on cached pages, declared to pagecache (ArticlesConfig.ready()),
and the data of this app that every page shows, kept on the page-cache generation.

A story counts from the moment it is published or scheduled (a scheduled one becomes public by
its clock: `next_public_at` tells pagecache when). Its parts count while it does; sections
are shown site-wide; photos, authors and tags only where a public story (or an author box, or
a block in a body) shows them, so drafts and new uploads leave cached pages alone.
"""

from datetime import UTC, datetime

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from taggit.models import Tag, TaggedItem

import pagecache

from .models import (
    PUBLIC_STATUSES,
    Article,
    Author,
    Byline,
    Correction,
    Photo,
    RelatedEmbed,
    Section,
)


def public_story(prefix=""):
    """Rows whose story (reached through `prefix`) readers can see or soon will."""
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


def public_story_ids():
    return Article.objects.filter(public_story()).values("pk")


def tagged_public_stories():
    return Q(
        content_type__app_label=Article._meta.app_label,
        content_type__model=Article._meta.model_name,
        object_id__in=public_story_ids(),
    )


def public_bodies_showing_photo():
    """Public stories whose body has a block with this photo (a photo or a link card)."""
    marker = Concat(
        Value('data-photo="'),
        Cast(OuterRef("pk"), CharField()),
        Value('"'),
        output_field=CharField(),
    )
    return Article.objects.filter(public_story(), body__contains=marker)


def next_public_at(now):
    """When the next public story's time comes (a timestamp), or None."""
    moment = (
        Article.objects.filter(public_story(), publish_at__gt=datetime.fromtimestamp(now, tz=UTC))
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return moment.timestamp() if moment else None


def navigation_sections(request=None):
    """The sections in the header and footer: every page shows them (Section is site-wide,
    so any change to one retires the list)."""
    return pagecache.cached(
        "navigation-sections", lambda: list(Section.objects.navigation()), request=request
    )


def register():
    pagecache.schedule_from(next_public_at)
    pagecache.shown_on_pages(Section)
    pagecache.shown_on_pages(Article, public=public_story())
    for part in (Byline, RelatedEmbed, Correction):
        pagecache.shown_on_pages(part, public=public_story("article__"))
    pagecache.shown_on_pages(TaggedItem, public=tagged_public_stories())
    pagecache.shown_on_pages(
        Tag, public=Q(pk__in=TaggedItem.objects.filter(tagged_public_stories()).values("tag_id"))
    )
    pagecache.shown_on_pages(Author, public=public_story("bylines__article__"))
    pagecache.shown_on_pages(
        Photo,
        public=public_story("lead_for__")
        | Q(pk__in=Author.objects.values("photo_id"))
        | Q(pk__in=RelatedEmbed.objects.values("image_id"))
        | Q(Exists(public_bodies_showing_photo())),
    )
