from django.conf import settings


def site(request):
    """Site-wide names and the navigation sections, for every template."""
    from articles.models import Section

    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "nav_sections": Section.objects.navigation,
    }
