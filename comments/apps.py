from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        if not apps.is_installed("pagecache"):
            return
        from . import signals
        from .models import Comment

        for signal in (post_save, post_delete):
            signal.connect(
                signals.comment_changed, sender=Comment, dispatch_uid="comments.comment_changed"
            )
