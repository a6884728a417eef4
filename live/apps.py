from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def ready(self):
        import pagecache
        from articles.caching import public_story

        from .models import LiveUpdate

        # An update shows on its story page and in the News Feed while its story is public.
        pagecache.shown_on_pages(LiveUpdate, public=public_story("article__"))
