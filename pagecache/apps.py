from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Knows no other app: they declare their own rows (pagecache.shown_on_pages)."""

    name = "pagecache"
    verbose_name = "Page cache"
