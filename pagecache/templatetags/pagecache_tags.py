"""{% cached_block %}: rendered HTML shared by every page that shows the same things.

    {% load pagecache_tags %}
    {% cached_block "rail-picks" rail_picks %}
      ...cards for rail_picks...
    {% endcached_block %}

The block is rendered once per generation and lifetime for each distinct set of values after
the name: a list of rows or feed entries counts by their keys (pk, `key`), anything else by
its text. So the block may use only those values (and what never changes between requests):
Editors' Picks on one story page leave that story out, which makes a different list and so a
different copy, and every other story page shares one. The rows' own content needs no key:
any change to it retires the generation. With PAGE_CACHE_FRAGMENTS off it just renders.
"""

import hashlib

from django import template
from django.conf import settings

from pagecache.fragments import kept
from pagecache.state import state_for

register = template.Library()


def _identity(value):
    if isinstance(value, list | tuple) or hasattr(value, "__iter__") and not isinstance(value, str):
        return "[" + ",".join(_identity(item) for item in value) + "]"
    for attribute in ("pk", "key"):
        if hasattr(value, attribute):
            return f"{type(value).__name__}:{getattr(value, attribute)}"
    return repr(value)


class CachedBlockNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        if not settings.PAGE_CACHE_FRAGMENTS:
            return self.nodelist.render(context)
        state = state_for(context.get("request"))
        parts = [self.name.resolve(context)] + [
            _identity(value.resolve(context)) for value in self.values
        ]
        digest = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"pagecache:block:{state.generation}:{digest}"
        return kept(key, state, lambda: self.nodelist.render(context))


@register.tag
def cached_block(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cached_block %} needs a name.")
    nodelist = parser.parse(("endcached_block",))
    parser.delete_first_token()
    return CachedBlockNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


@register.filter
def path_if_listed(path, links):
    """`path` if one of `links` (objects with a `url`) points to it, else "".

    For a block's values: a menu that marks the current page differs only on the pages it
    lists, so every other page can share one copy.
    """
    return path if any(link.url == path for link in links or ()) else ""
