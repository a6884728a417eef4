"""`reverse()` for addresses made of one slug ("/story/<slug>/"), at the cost of a string join.

A listing prints a hundred such addresses (stories, sections, authors); Django's `reverse`
resolves the pattern each time. Here the pattern is reversed once per view name, script
prefix, URLconf and language with a marker slug, and later slugs are put in its place. A slug
with anything but ASCII letters, digits, "-" and "_" goes through `reverse` itself, which
quotes it and checks it against the pattern's converter.
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MARKER = "0slug0marker0"
_shapes = {}


def slug_url(view_name, slug):
    if not _PLAIN_SLUG.fullmatch(slug):
        return reverse(view_name, kwargs={"slug": slug})
    key = (view_name, get_script_prefix(), get_urlconf(), get_language())
    shape = _shapes.get(key)
    if shape is None:
        shape = _shapes[key] = tuple(reverse(view_name, kwargs={"slug": _MARKER}).split(_MARKER))
    if len(shape) != 2:  # the marker appeared twice: a pattern this shortcut cannot fill
        return reverse(view_name, kwargs={"slug": slug})
    return f"{shape[0]}{slug}{shape[1]}"
