"""A story in a listing (a card), built in Python.

Listings print dozens of cards and the rail's blocks a dozen more; as a template include each
card cost more than the query that loaded it. The markup is the same the template made:

    <article class="card [card--lead|compact|text]">
      <a class="card__media">picture</a>            unless variant "text" or no lead photo
      <div class="card__body">Live badge, section label, headline (h2/h3), excerpt,
        <p class="card__meta">bylines · <time></p></div>
    </article>

Everything printed is escaped here (`escape`), as the template's autoescape did.
"""

from datetime import timedelta
from html import escape

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from photos.markup import picture_html

LONG_DATE = "F j, Y"
CARD_SIZES = "(min-width: 1024px) 300px, (min-width: 640px) 45vw, 100vw"
CROP_OF_VARIANT = {"lead": "wide", "compact": "square"}


def card_time(value):
    """Relative time for today's stories ("2 hours ago"), the date for older ones."""
    if not value:
        return ""
    now = timezone.now()
    if timezone.localdate(value) != timezone.localdate(now) or value > now:
        return format_date(timezone.localtime(value), LONG_DATE)
    elapsed = now - value
    if elapsed < timedelta(minutes=1):
        return "Just now"
    if elapsed < timedelta(hours=1):
        minutes = int(elapsed.total_seconds() // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = int(elapsed.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''} ago"


def html_datetime(value):
    """For <time datetime="…">: ISO 8601 in the outlet's zone, whole seconds. (The `c`
    format keeps microseconds, and HTML allows at most three digits of a second.)"""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def bylines_html(authors):
    """Authors joined naturally: "A", "A and B", "A, B and C", each linking to their page."""
    links = [
        f'<a class="byline__author" href="{escape(author.get_absolute_url())}">'
        f"{escape(author.name)}</a>"
        for author in authors
    ]
    if len(links) < 2:
        return "".join(links)
    return f"{', '.join(links[:-1])} and {links[-1]}"


def story_card(
    story, *, variant="", heading="", show_excerpt=False, no_label=False, sizes="", eager=False
):
    """One story in a listing. variant: "lead", "compact", or "text" (no photo, as a story
    without one gets); heading "h2" or else h3; no_label inside a block of one section.

    The Live badge reads only the story's own fields, so shared blocks (pagecache.blocks) may
    show it. is_live_now also turns false by the clock when coverage_end_at passes, which
    changes no row: a cached block or page can show the badge for up to the page cache's
    freshness bound (PAGE_CACHE_STALE_SECONDS) after the coverage ends.
    """
    url = escape(story.get_absolute_url())
    photo = story.lead_photo if variant != "text" else None
    classes = "card"
    if variant:
        classes += f" card--{escape(variant)}"
    if variant != "text" and not story.lead_photo_id:
        classes += " card--text"
    parts = [f'<article class="{classes}">']
    if photo:
        # Each variant shows the crop of its shape (photos.crops), cut where the editor wants.
        crop = CROP_OF_VARIANT.get(variant, "card")
        picture = picture_html(photo, sizes or CARD_SIZES, eager=eager, alt="", crop=crop)
        parts.append(
            f'<a class="card__media" href="{url}" tabindex="-1" aria-hidden="true">{picture}</a>'
        )
    parts.append('<div class="card__body">')
    if story.is_live_now:
        parts.append('<span class="live-badge live-badge--small">Live</span>')
    if not no_label:
        section = story.section
        parts.append(
            f'<a class="label" href="{escape(section.get_absolute_url())}">'
            f"{escape(section.name)}</a>"
        )
    level = "h2" if heading == "h2" else "h3"
    parts.append(
        f'<{level} class="card__headline"><a href="{url}">{escape(story.headline)}</a></{level}>'
    )
    if show_excerpt:
        excerpt = story.excerpt
        if excerpt:
            parts.append(f'<p class="card__excerpt">{escape(excerpt)}</p>')
    parts.append('<p class="card__meta">')
    if variant != "compact":
        authors = story.byline_authors
        if authors:
            parts.append(f'<span class="card__byline">{bylines_html(authors)}</span>')
    parts.append(
        f'<time datetime="{html_datetime(story.publish_at)}">{card_time(story.publish_at)}</time>'
        "</p></div></article>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above
