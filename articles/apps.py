from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from . import caching, permissions, photo_rules, revisions, roles, signals
        from .models import Photo

        # Which of these rows change cached reader pages, and when stories go live.
        caching.register()
        revisions.register_models()
        # Photos in public use change only with the rights to change public stories.
        photo_rules.register(permissions.photo_in_public_use)
        # Groups follow articles/roles.py after every migrate (and a test database flush).
        post_migrate.connect(
            roles.sync_roles_after_migrate, sender=self, dispatch_uid="articles.sync_roles"
        )
        post_delete.connect(
            signals.delete_photo_renditions,
            sender=Photo,
            dispatch_uid="articles.delete_photo_renditions",
        )
