from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from photos import rules as photo_rules

        from . import caching, permissions

        # Which of these rows change cached reader pages, and when stories go live.
        caching.register()
        # Photos in public use change only with the rights to change public stories.
        photo_rules.register(permissions.photo_in_public_use)
