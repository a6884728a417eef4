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


def most_popular_key(request=None):
    """Keyed by the page-cache generation, so a takedown or edit retires the block at once.
    A page that already read the generation for its other blocks (state_for) lends it."""
    state = getattr(request, "_pagecache_state", None)
    generation = state.generation if state is not None else cache.get(GENERATION_KEY)
    return f"{MOST_POPULAR_FRAGMENT_KEY}:{generation}"


@register.simple_tag(takes_context=True)
def most_popular(context=None):
    """The same HTML for every page and reader; one query per MOST_POPULAR_CACHE_SECONDS."""
    key = most_popular_key(context.get("request") if context is not None else None)
    html = cache.get(key)
    if html is None:
        html = render_to_string("popularity/most_popular.html", {"stories": list(most_read())})
        cache.set(key, html, settings.MOST_POPULAR_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


@register.inclusion_tag("popularity/read_beacon.html")
def read_beacon(article):
    return {"article": article}
