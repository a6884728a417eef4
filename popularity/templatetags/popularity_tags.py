"""{% most_popular %}: the numbered "Most popular" block, one shared block for all pages.

{% load popularity_tags %}
{% most_popular %}                  the block (home page, story rail)
{% read_beacon article %}           the read beacon script (story pages)
"""

from django import template
from django.conf import settings
from django.core.cache import cache

from pagecache.blocks import render_block
from pagecache.state import GENERATION_KEY
from popularity.services import most_read

register = template.Library()

MOST_POPULAR_KEY = "popularity:most-popular:v2"


def most_popular_key(request=None):
    """Keyed by the page-cache generation, so a takedown or edit retires the ranking at once.
    A page that already read the generation for its other blocks (state_for) lends it."""
    state = getattr(request, "_pagecache_state", None)
    generation = state.generation if state is not None else cache.get(GENERATION_KEY)
    return f"{MOST_POPULAR_KEY}:{generation}"


def most_popular_stories(request=None):
    """The ranked stories, read once per MOST_POPULAR_CACHE_SECONDS (and generation)."""
    key = most_popular_key(request)
    stories = cache.get(key)
    if stories is None:
        stories = list(most_read())
        cache.set(key, stories, settings.MOST_POPULAR_CACHE_SECONDS)
    return stories


@register.simple_tag(takes_context=True)
def most_popular(context=None):
    """The same HTML for every page and reader: a shared block keyed by the ranking."""
    request = context.get("request") if context is not None else None
    return render_block(
        "most-popular",
        "popularity/most_popular.html",
        request=request,
        stories=most_popular_stories(request),
    )


@register.inclusion_tag("popularity/read_beacon.html")
def read_beacon(article):
    return {"article": article}
