from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve


def validate_page_slug(slug):
    """Refuse a slug whose address another part of the site already answers (/search/,
    /newsletters/…): pages live at the root, after every other URL."""
    try:
        match = resolve(f"/{slug}/")
    except Resolver404:
        return
    if match.view_name != "pages:page":
        raise ValidationError(
            f"/{slug}/ is already an address of the site. Choose another slug.",
            code="reserved_slug",
        )
