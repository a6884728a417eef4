from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

# Bump the version when the cached shape changes, so old entries are never unpickled.
NAV_SECTIONS_CACHE_KEY = "newsroom:nav-sections:v1"
NAV_SECTIONS_TIMEOUT = 60 * 60


def navigation_sections():
    """Sections in the header and footer, cached: every page shows them, they rarely change.

    `articles.signals` deletes the entry when a section is saved or deleted.
    """
    from articles.models import Section

    sections = cache.get(NAV_SECTIONS_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.navigation())
        cache.set(NAV_SECTIONS_CACHE_KEY, sections, NAV_SECTIONS_TIMEOUT)
    return sections


def site(request):
    """Site-wide names and the navigation sections, for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        # Lazy: a page that never shows the navigation never touches the cache, and the
        # header and footer share one cache read.
        "nav_sections": SimpleLazyObject(navigation_sections),
    }
