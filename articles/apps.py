from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from pagecache.signals import story_part_changed

        from . import permissions, photo_rules, revisions, roles, signals
        from .models import Correction, Photo, Section

        for signal in (post_save, post_delete):
            signal.connect(
                signals.forget_navigation_sections,
                sender=Section,
                dispatch_uid="articles.forget_navigation_sections",
            )
        for signal in (post_save, post_delete):
            # A correction shows on its story and on /corrections/.
            signal.connect(
                story_part_changed, sender=Correction, dispatch_uid="articles.correction_pages"
            )
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
