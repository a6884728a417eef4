from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Security"

    def ready(self):
        from . import signals

        signals.connect()
