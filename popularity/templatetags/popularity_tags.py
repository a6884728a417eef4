"""{% most_popular %}: the numbered "Most popular" block, rendered once and cached for all.

{% load popularity_tags %}
{% most_popular %}                  the block (home page, story rail)
{% read_beacon article %}           the read beacon script (story pages)
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from pagecache.state import GENERATION_KEY
from popularity.services import most_read

register = template.Library()

MOST_POPULAR_FRAGMENT_KEY = "popularity:most-popular-fragment:v1"


def most_popular_key():
    """Keyed by the page-cache generation, so a takedown or edit retires the block at once."""
    return f"{MOST_POPULAR_FRAGMENT_KEY}:{cache.get(GENERATION_KEY)}"


@register.simple_tag
def most_popular():
    """The same HTML for every page and reader; one query per MOST_POPULAR_CACHE_SECONDS."""
    key = most_popular_key()
    html = cache.get(key)
    if html is None:
        html = render_to_string("popularity/most_popular.html", {"stories": list(most_read())})
        cache.set(key, html, settings.MOST_POPULAR_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


@register.inclusion_tag("popularity/read_beacon.html")
def read_beacon(article):
    return {"article": article}
