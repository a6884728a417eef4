from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscribers"

    def ready(self):
        from anymail.signals import tracking

        import pagecache
        from editorial import roles

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            policy,
        )
        from .models import Newsletter
        from .webhooks import handle_tracking_event

        # The audience desk runs subscribers and lists (editorial.roles, editorial.policy).
        roles.grant(
            roles.AUDIENCE,
            [
                *roles.crud("subscriptions", "subscriber"),
                *roles.crud("subscriptions", "subscription"),
                "subscriptions.view_consentevent",
                *roles.crud("subscriptions", "suppression"),
                *roles.crud("subscriptions", "newsletter"),
            ],
        )
        policy.register()

        # Signup boxes on every page offer newsletters (by section: its sections count too),
        # and the newsletter pages list them.
        pagecache.shown_on_pages(Newsletter)

        tracking.connect(handle_tracking_event, dispatch_uid="subscriptions.tracking")
