"""Template tags for the reader site: photos, times, story bodies and structured data.

{% load newsroom_tags %}
{% picture photo sizes="(min-width: 1024px) 760px, 100vw" eager=True %}
{{ article.publish_at|card_time }}          "2 hours ago" today, "December 26, 2023" before
{% story_body article %}                    the body with its blocks (cards, photos, …)
{% json_ld data %}                          <script type="application/ld+json">, escaped
{{ "/story/x/"|absolute }}                  SITE_URL + path
{{ embed.url|web_url }}                     an http(s) URL, or "" for anything else
"""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import cards
from articles.blocks import story_body as prepare_story_body
from articles.blocks import web_url
from photos import renditions
from photos.markup import picture_html

register = template.Library()

# Everything that could end a <script> element or start markup inside it.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
LONG_DATE = "F j, Y"
LONG_DATETIME = "F j, Y g:i A"


@register.simple_tag
def picture(photo, sizes="100vw", eager=False, css_class="", alt=None, crop=None):
    """A responsive <picture> (photos.markup.picture_html), of the crop `crop` if given."""
    return picture_html(photo, sizes, eager=eager, css_class=css_class, alt=alt, crop=crop)


@register.simple_tag
def story_card(story, **options):
    """One story in a listing (articles.cards.story_card): {% story_card story heading="h2" %}."""
    return cards.story_card(story, **options)


register.filter("card_time", cards.card_time)
register.filter("html_datetime", cards.html_datetime)


@register.filter
def feed_time(value):
    """ "4:16 PM" for today's items, "Dec. 26" for older ones (News Feed blocks)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return format_date(local, "g:i A")
    return format_date(local, "M j")


@register.filter
def long_datetime(value):
    """ "December 27, 2023 4:16 PM" in the outlet's time zone."""
    if not value:
        return ""
    return format_date(timezone.localtime(value), LONG_DATETIME)


@register.simple_tag
def story_body(article):
    """The story's body with its blocks, rendered (articles.blocks)."""
    return prepare_story_body(article)


@register.filter
def absolute(path):
    """An absolute URL on the public site for a path (absolute URLs pass through)."""
    if not path:
        return ""
    path = str(path)
    if path.startswith(("http://", "https://")):
        return path
    if path.startswith("//"):
        return f"{settings.SITE_URL.split(':', 1)[0]}:{path}"
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


register.filter("web_url", web_url)


@register.simple_tag
def navigation_sections():
    """The sections in the header and footer, for the shared blocks that show them:
    {% navigation_sections as nav_sections %}."""
    from articles.caching import navigation_sections

    return navigation_sections()


@register.simple_tag
def site_name():
    """The outlet's name, also where no context processor ran (the 500 page)."""
    return settings.SITE_NAME


def photo_image_url(photo):
    """Absolute URL of the widest JPEG rendition, for Open Graph and JSON-LD."""
    # Templates pass "" when the story has no photo (or there is no story at all).
    if not photo or not getattr(photo, "image", None):
        return ""
    return absolute(renditions.largest_rendition(photo).url)


register.filter("photo_image_url", photo_image_url)


@register.simple_tag
def json_ld(data):
    """A JSON-LD script element; `<`, `>` and `&` are escaped so no text can close it."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


def _publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": f"{settings.SITE_URL}/",
        "logo": {"@type": "ImageObject", "url": absolute(static("img/logo.png"))},
    }


def _author_data(author):
    return {
        "@type": "Organization" if author.kind == author.Kind.DESK else "Person",
        "name": author.name,
        "url": absolute(author.get_absolute_url()),
    }


@register.simple_tag
def article_json_ld(article):
    """NewsArticle structured data for a story page (uses prefetched bylines)."""
    return json_ld(article_json_data(article))


def article_json_data(article):
    """The NewsArticle dict; live coverage (live.templatetags) builds LiveBlogPosting on it."""
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.excerpt,
        "datePublished": timezone.localtime(article.publish_at).isoformat(),
        "dateModified": timezone.localtime(
            article.updated_at if article.was_updated else article.publish_at
        ).isoformat(),
        "author": [_author_data(author) for author in article.byline_authors],
        "articleSection": article.section.name,
        "publisher": _publisher(),
        "isAccessibleForFree": True,
    }
    image = photo_image_url(article.lead_photo)
    if image:
        data["image"] = [image]
    tags = [tag.name for tag in article.tags.all()]
    if tags:
        data["keywords"] = tags
    return data


@register.simple_tag
def website_json_ld():
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": settings.SITE_NAME,
            "url": f"{settings.SITE_URL}/",
            "publisher": _publisher(),
        }
    )
