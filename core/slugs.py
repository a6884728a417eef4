"""Slugs for rows made by code rather than typed by a person."""

from django.utils.text import slugify


def free_slug(queryset, text: str, *, max_length: int, fallback: str) -> str:
    """`text` as a slug no row of `queryset` has yet: "storm-update", then "storm-update-2"…
    Cut so that a number still fits within `max_length`; `fallback` when `text` has no
    letters a slug can keep."""
    base = slugify(text)[: max_length - 10] or fallback
    slug, number = base, 2
    while queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
