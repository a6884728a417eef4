from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from editorial import roles
        from subscriptions.erasure import also_erase

        from . import policy
        from .models import Delivery

        # The audience desk writes and sends issues (editorial.roles, editorial.policy).
        roles.grant(
            roles.AUDIENCE,
            [
                *roles.crud("newsletters", "newsletterissue"),
                *roles.crud("newsletters", "issuestory"),
                "newsletters.view_delivery",
                "newsletters.send_newsletterissue",
            ],
        )
        policy.register()

        def forget_delivery_errors(subscriber):
            # Delivery errors can quote the address back (e.g. "550 <name@example.org> unknown").
            Delivery.objects.filter(subscriber=subscriber).exclude(error="").update(error="")

        also_erase("newsletters.delivery_errors", forget_delivery_errors)
