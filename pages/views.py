from django.views.generic import DetailView

from .models import Page


class PageView(DetailView):
    """A static page (About, Team, Jobs…) at /<slug>/."""

    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()
