"""{% most_read_stories as stories %}  the ranking, inside the shared block
                                     blocks/most-popular.html ({% shared_block "most-popular" %})
{% read_beacon article %}           the read beacon script (story pages)
"""

from django import template

from popularity.services import most_read

register = template.Library()


@register.simple_tag
def most_read_stories():
    """The ranked stories. Read where the block renders, so once per generation: the
    ranking moves with the flushed counts, which no signal reports, within
    PAGE_CACHE_STALE_SECONDS."""
    return list(most_read())


@register.inclusion_tag("popularity/read_beacon.html")
def read_beacon(article):
    return {"article": article}
