from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages and appeals"

    def ready(self):
        from . import cache
        from .models import Page, SupportAppeal

        for signal in (post_save, post_delete):
            signal.connect(cache.forget_site_pages, sender=Page, dispatch_uid="pages.pages")
            signal.connect(
                cache.forget_support_appeal, sender=SupportAppeal, dispatch_uid="pages.appeal"
            )
