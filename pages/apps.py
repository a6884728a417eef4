from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages and appeals"

    def ready(self):
        import pagecache

        from . import policy
        from .models import Page, SupportAppeal

        policy.register()

        # The More menu and footer list the pages, and the appeal sits under every story.
        pagecache.shown_on_pages(Page)
        pagecache.shown_on_pages(SupportAppeal)
