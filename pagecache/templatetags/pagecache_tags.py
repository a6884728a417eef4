"""{% shared_block %}: a block many pages show, through pagecache.blocks.render_block.

    {% load pagecache_tags %}
    {% shared_block "story-rail-picks" stories=rail_picks %}

renders templates/blocks/story-rail-picks.html with `stories` (and nothing else from the
page: no request, user or csrf token) and keeps it per generation for each distinct set of
values. Anything the block shows that differs between pages must be one of its values.
"""

from django import template

from pagecache.blocks import render_block

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_block(context, name, **values):
    # The request only says which generation to key by and whether the request is private
    # (a preview, staff); the block's template never sees it.
    return render_block(name, f"blocks/{name}.html", request=context.get("request"), **values)


@register.filter
def path_if_listed(path, links):
    """`path` if one of `links` (objects with a `url`) points to it, else "".

    For a block's values: a menu that marks the current page differs only on the pages it
    lists, so every other page can share one copy.
    """
    return path if any(link.url == path for link in links or ()) else ""
