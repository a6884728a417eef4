from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def ready(self):
        if not apps.is_installed("pagecache"):
            return
        from . import signals
        from .models import LiveUpdate

        for signal in (post_save, post_delete):
            signal.connect(
                signals.update_changed, sender=LiveUpdate, dispatch_uid="live.update_changed"
            )
