from django.apps import AppConfig


class PopularityConfig(AppConfig):
    name = "popularity"
    verbose_name = "Readership"

    def ready(self):
        from . import policy

        policy.register()
