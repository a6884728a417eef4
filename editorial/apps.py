from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Desk"

    def ready(self):
        from articles import status_changes

        from . import review, revisions, roles

        # Every move of a story (articles.services) is recorded, and may mail the editors.
        status_changes.on_status_change(review.story_moved)
        revisions.register_models()
        # Groups follow editorial/roles.py after every migrate (and a test database flush).
        post_migrate.connect(
            roles.sync_roles_after_migrate, sender=self, dispatch_uid="editorial.sync_roles"
        )
