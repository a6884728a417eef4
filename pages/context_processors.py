from django.utils.functional import SimpleLazyObject

from .site import site_page_links


class SitePages:
    """Published static pages for the header's More menu and the footer."""

    def __init__(self, request=None):
        self.links = site_page_links(request)

    @property
    def menu(self):
        return [link for link in self.links if link.in_menu]

    @property
    def footer(self):
        return [link for link in self.links if link.in_footer]


def site_pages(request):
    # Lazy: one read shared by the header and the footer, none on pages without them.
    return {"site_pages": SimpleLazyObject(lambda: SitePages(request))}
