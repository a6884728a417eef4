from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Site-wide names and the navigation sections, for every template."""
    from articles.caching import navigation_sections

    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        # Lazy: a page that never shows the navigation never reads it, and the header and
        # footer share one read.
        "nav_sections": SimpleLazyObject(lambda: navigation_sections(request)),
    }
