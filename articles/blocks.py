"""Story bodies rendered for readers, with their blocks (cards, links, media, photos, quotes).

`prepare_bodies(htmls)` reads each body once (articles.body.read_body: nh3, then one parse)
and loads what the blocks point to for all of them together: one query for the stories of
the cards (published ones only, `Article.objects.published()`, with section and lead photo;
bylines too unless the caller loads them with its own) and one for the photos, and none
when no block needs them. Each `StoryBody` then renders without a query:

- `str(body)` / `{{ body }}`: the reader page. A story card only while its story is public,
  a link card only with an http(s) address, a media embed only from a validated id
  (articles.embeds.parse_media_url rebuilds the iframe; nothing typed reaches it), a photo
  with its responsive picture and "caption · credit" (the block's overrides winning), a
  pull quote.
- `body.portable()`: feeds and email. Absolute addresses, plain <img> from a rendition, and
  no iframe: a media embed becomes a link line.

Everything is built with format_html from plain-text values: no attribute of a block is
ever printed as markup.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from photos import renditions
from photos.markup import picture_html
from photos.models import Photo

from .body import Block, read_body
from .embeds import parse_media_url

CARD_SIZES = "(min-width: 640px) 180px, 100vw"
PHOTO_SIZES = "(min-width: 1200px) 760px, (min-width: 960px) 62vw, 100vw"
EXCERPT_WORDS = 45
# A photo in a feed or an email is shown at most this wide (px), from a rendition.
PORTABLE_IMAGE_WIDTH = 640
IFRAME_SANDBOX = (
    "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation"
)


def absolute(url):
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


# An absolute web address and nothing else: no javascript:, data: or vbscript: scheme, and no
# control characters or spaces, which browsers drop from a URL before reading its scheme.
_WEB_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def web_url(value):
    """`value` if it is an http(s) address, else "": for typed URLs printed into href.

    Model forms already refuse other schemes; this covers rows written without them
    (imports, scripts), where `javascript:...` would otherwise become a live link.
    """
    value = str(value or "").strip()
    return value if _WEB_URL.fullmatch(value) else ""


@dataclass
class Targets:
    """What the blocks of some bodies point to, loaded together: pk → row."""

    stories: dict = field(default_factory=dict)
    photos: dict = field(default_factory=dict)


def card_stories(story_ids, *, bylines=True):
    """Public stories by pk, with what a card shows, in one query (two with bylines)."""
    from .models import Article, Byline

    if not story_ids:
        return {}
    stories = (
        Article.objects.published()
        .filter(pk__in=story_ids)
        .select_related("section", "lead_photo")
        .defer("search_vector", "audio_transcript", "editor_notes")
        .order_by()
    )
    if bylines:
        by_position = Byline.objects.select_related("author").order_by("position", "pk")
        stories = stories.prefetch_related(Prefetch("bylines", queryset=by_position))
    return {story.pk: story for story in stories}


class StoryBody:
    """One body, read and with its targets loaded; renders without a query."""

    def __init__(self, parts, targets):
        self.parts = parts
        self.targets = targets

    @property
    def blocks(self):
        return [part for part in self.parts if isinstance(part, Block)]

    def card_stories(self):
        """The stories this body's cards show (for a caller that loads their bylines)."""
        found = (self.targets.stories.get(block.number("data-story")) for block in self.blocks)
        return [story for story in found if story is not None]

    def render(self, *, portable=False):
        renderers = PORTABLE_RENDERERS if portable else PAGE_RENDERERS
        pieces = []
        for part in self.parts:
            if isinstance(part, Block):
                pieces.append(renderers[part.kind](part, self.targets))
            else:
                pieces.append(part)
        return mark_safe("\n".join(piece for piece in pieces if piece))  # noqa: S308 - see above

    def portable(self):
        return self.render(portable=True)

    def __str__(self):
        return self.render()

    def __html__(self):
        return self.render()


def prepare_bodies(htmls, *, card_bylines=True):
    """A StoryBody for each HTML string, their targets loaded in one query per model."""
    parts_list = [read_body(html) for html in htmls]
    story_ids, photo_ids = set(), set()
    for parts in parts_list:
        for part in parts:
            if not isinstance(part, Block):
                continue
            if part.kind == "story" and part.number("data-story") is not None:
                story_ids.add(part.number("data-story"))
            elif part.kind in {"photo", "link"} and part.number("data-photo") is not None:
                photo_ids.add(part.number("data-photo"))
    targets = Targets(
        stories=card_stories(story_ids, bylines=card_bylines),
        photos=Photo.objects.in_bulk(photo_ids) if photo_ids else {},
    )
    return [StoryBody(parts, targets) for parts in parts_list]


def attach_bodies(articles, *, card_bylines=True):
    """Set `article.story_body` on each story (feeds, previews, lists of stories)."""
    articles = list(articles)
    bodies = prepare_bodies([article.body for article in articles], card_bylines=card_bylines)
    for article, body in zip(articles, bodies, strict=True):
        article.story_body = body
    return articles


def story_body(article):
    """The story's prepared body, or one prepared now (a view that did not)."""
    body = getattr(article, "story_body", None)
    return body if body is not None else prepare_bodies([article.body])[0]


# --- The reader page --------------------------------------------------------------------


def _bylines(authors):
    links = [
        format_html('<a class="byline__author" href="{}">{}</a>', a.get_absolute_url(), a.name)
        for a in authors
    ]
    if len(links) < 2:
        return mark_safe("".join(links))  # noqa: S308 - built by format_html
    return format_html("{} and {}", mark_safe(", ".join(links[:-1])), links[-1])  # noqa: S308


def _card(*, label, url, title, excerpt="", section=None, byline="", photo=None, rel=""):
    media = ""
    if photo is not None:
        media = format_html(
            '<a class="embed__media" href="{}" tabindex="-1" aria-hidden="true"{}>{}</a>',
            url,
            rel,
            picture_html(photo, sizes=CARD_SIZES, alt="", crop="card"),
        )
    return format_html(
        '<aside class="embed embed--{}" aria-label="Read also">'
        '<p class="embed__label">{}</p><div class="embed__inner">{}<div class="embed__body">'
        '{}<p class="embed__title"><a href="{}"{}>{}</a></p>{}{}</div></div></aside>',
        "story" if section is not None else "link",
        label,
        media,
        format_html('<a class="label" href="{}">{}</a>', section.get_absolute_url(), section.name)
        if section is not None
        else "",
        url,
        rel,
        title,
        format_html('<p class="embed__excerpt">{}</p>', excerpt) if excerpt else "",
        format_html('<p class="embed__byline">{}</p>', byline) if byline else "",
    )


def _excerpt(block, fallback=""):
    return Truncator(block.get("data-excerpt") or fallback).words(EXCERPT_WORDS)


def page_story(block, targets):
    story = targets.stories.get(block.number("data-story"))
    if story is None:
        return ""
    authors = story.byline_authors
    return _card(
        label="Read also",
        url=story.get_absolute_url(),
        title=block.get("data-title") or story.headline,
        excerpt=_excerpt(block, story.excerpt),
        section=story.section,
        byline=format_html("By {}", _bylines(authors)) if authors else "",
        photo=story.lead_photo,
    )


def page_link(block, targets):
    url, title = web_url(block.get("data-url")), block.get("data-title")
    if not url or not title:
        return ""
    source = block.get("data-source")
    return _card(
        label=format_html('Read also <span class="embed__source">in {}</span>', source)
        if source
        else "Read also",
        url=url,
        title=title,
        excerpt=_excerpt(block),
        byline=block.get("data-author"),
        photo=targets.photos.get(block.number("data-photo")),
        rel=mark_safe(' rel="noopener"'),
    )


def page_media(block, targets):
    media = parse_media_url(block.get("data-url"))
    if media is None:
        return ""
    title, excerpt, author = (
        block.get(name) for name in ("data-title", "data-excerpt", "data-author")
    )
    if media.is_iframe:
        what = "video" if media.is_video else "post"
        return format_html(
            '<figure class="embed embed--media embed--{}"><div class="embed__frame{}">'
            '<iframe src="{}" title="{} ({} {})" loading="lazy" '
            'referrerpolicy="strict-origin-when-cross-origin" sandbox="{}" '
            'allow="encrypted-media; picture-in-picture; fullscreen" allowfullscreen></iframe>'
            '</div><figcaption class="embed__caption">{}<a href="{}" rel="noopener">View on {}</a>'
            "</figcaption></figure>",
            media.provider,
            " embed__frame--video" if media.is_video else "",
            media.iframe_src,
            title or media.provider_name,
            media.provider_name,
            what,
            IFRAME_SANDBOX,
            format_html("{} ", title) if title else "",
            media.url,
            media.provider_name,
        )
    return format_html(
        '<figure class="embed embed--quote"><blockquote cite="{}">'
        '<p class="embed__label">Post on {}</p><p class="embed__handle">@{}</p>{}{}</blockquote>'
        '<figcaption class="embed__caption">{}<a class="embed__cta" href="{}" rel="noopener">'
        'View the post on {} <span aria-hidden="true">&rarr;</span></a></figcaption></figure>',
        media.url,
        media.provider_name,
        media.handle,
        format_html('<p class="embed__quote">{}</p>', title) if title else "",
        format_html('<p class="embed__excerpt">{}</p>', excerpt) if excerpt else "",
        format_html("{} · ", author) if author else "",
        media.url,
        media.provider_name,
    )


def _photo_parts(block, targets):
    photo = targets.photos.get(block.number("data-photo"))
    if photo is None or not photo.image:
        return None, "", "", ""
    caption = block.get("data-caption") or photo.caption
    credit = block.get("data-credit") or photo.credit
    alt = block.get("data-alt") or photo.alt_text
    return photo, caption, credit, alt


def _figcaption(caption, credit):
    if not caption and not credit:
        return ""
    credit_html = format_html('<span class="credit">{}</span>', credit) if credit else ""
    separator = " · " if caption and credit else ""
    return format_html("<figcaption>{}{}{}</figcaption>", caption, separator, credit_html)


def page_photo(block, targets):
    photo, caption, credit, alt = _photo_parts(block, targets)
    if photo is None:
        return ""
    return format_html(
        '<figure class="block-photo">{}{}</figure>',
        picture_html(photo, sizes=PHOTO_SIZES, alt=alt),
        _figcaption(caption, credit),
    )


def page_quote(block, targets):
    text = block.get("data-text")
    if not text:
        return ""
    attribution = block.get("data-attribution")
    return format_html(
        '<figure class="pullquote"><blockquote><p>{}</p></blockquote>{}</figure>',
        text,
        format_html("<figcaption>— {}</figcaption>", attribution) if attribution else "",
    )


PAGE_RENDERERS = {
    "story": page_story,
    "link": page_link,
    "media": page_media,
    "photo": page_photo,
    "quote": page_quote,
}


# --- Feeds and email --------------------------------------------------------------------


def _read_also(url, title, excerpt="", note=""):
    return format_html(
        '<p class="block-card"><strong>Read also{}:</strong> <a href="{}">{}</a>{}</p>',
        format_html(" in {}", note) if note else "",
        url,
        title,
        format_html("<br>{}", excerpt) if excerpt else "",
    )


def portable_story(block, targets):
    story = targets.stories.get(block.number("data-story"))
    if story is None:
        return ""
    return _read_also(
        absolute(story.get_absolute_url()),
        block.get("data-title") or story.headline,
        _excerpt(block, story.excerpt),
    )


def portable_link(block, targets):
    url, title = web_url(block.get("data-url")), block.get("data-title")
    if not url or not title:
        return ""
    return _read_also(url, title, _excerpt(block), block.get("data-source"))


def portable_media(block, targets):
    media = parse_media_url(block.get("data-url"))
    if media is None:
        return ""
    what = "Watch on" if media.is_video else "View the post on"
    title = block.get("data-title")
    return format_html(
        '<p class="block-media">{}<a href="{}">{} {}</a></p>',
        format_html("{}: ", title) if title else "",
        media.url,
        what,
        media.provider_name,
    )


def portable_photo(block, targets):
    photo, caption, credit, alt = _photo_parts(block, targets)
    # Only resized renditions go out: an original can be tens of megabytes.
    if photo is None or not renditions.has_renditions(photo):
        return ""
    image = renditions.default_rendition(photo, max_width=PORTABLE_IMAGE_WIDTH)
    width = min(image.width, PORTABLE_IMAGE_WIDTH)
    return format_html(
        '<figure class="block-photo"><img src="{}" alt="{}" width="{}" height="{}">{}</figure>',
        absolute(image.url),
        alt,
        width,
        round(image.height * width / image.width),
        _figcaption(caption, credit),
    )


PORTABLE_RENDERERS = {
    "story": portable_story,
    "link": portable_link,
    "media": portable_media,
    "photo": portable_photo,
    "quote": page_quote,
}


def story_cards_holding(story_pks):
    """Stories whose body has a card pointing to one of `story_pks` (the delete confirmation
    names them): a LIKE narrows the rows on SQLite and PostgreSQL alike, the parse confirms."""
    from django.db.models import Q

    from .models import Article

    wanted = {int(pk) for pk in story_pks}
    if not wanted:
        return []
    matches = Q()
    for pk in sorted(wanted):
        matches |= Q(body__contains=f'data-story="{pk}"')
    holders = Article.objects.filter(matches).exclude(pk__in=wanted).only("headline", "body")
    return [
        story
        for story in holders.order_by("pk")
        if any(
            block.kind == "story" and block.number("data-story") in wanted
            for block in read_body(story.body)
            if isinstance(block, Block)
        )
    ]
