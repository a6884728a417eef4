from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscribers"

    def ready(self):
        from anymail.signals import tracking

        import pagecache

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .models import Newsletter
        from .webhooks import handle_tracking_event

        # Signup boxes on every page offer newsletters (by section: its sections count too),
        # and the newsletter pages list them.
        pagecache.shown_on_pages(Newsletter)

        tracking.connect(handle_tracking_event, dispatch_uid="subscriptions.tracking")
