from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscribers"

    def ready(self):
        from anymail.signals import tracking
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from newsletters.models import Newsletter

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .templatetags.subscriptions_tags import newsletters_changed
        from .webhooks import handle_tracking_event

        tracking.connect(handle_tracking_event, dispatch_uid="subscriptions.tracking")

        # The signup boxes cache which newsletters they offer; a changed newsletter (or its
        # sections) drops that cache once the change is committed.
        post_save.connect(newsletters_changed, sender=Newsletter, dispatch_uid="offer-save")
        post_delete.connect(newsletters_changed, sender=Newsletter, dispatch_uid="offer-delete")
        m2m_changed.connect(
            newsletters_changed, sender=Newsletter.sections.through, dispatch_uid="offer-m2m"
        )
