from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscribers"

    def ready(self):
        from anymail.signals import tracking

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .webhooks import handle_tracking_event

        tracking.connect(handle_tracking_event, dispatch_uid="subscriptions.tracking")
