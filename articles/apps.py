from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from photos import rules as photo_rules

        from . import caching, permissions, revisions, roles

        # Which of these rows change cached reader pages, and when stories go live.
        caching.register()
        revisions.register_models()
        # Photos in public use change only with the rights to change public stories.
        photo_rules.register(permissions.photo_in_public_use)
        # Groups follow articles/roles.py after every migrate (and a test database flush).
        post_migrate.connect(
            roles.sync_roles_after_migrate, sender=self, dispatch_uid="articles.sync_roles"
        )
