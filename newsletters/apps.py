from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from subscriptions.erasure import also_erase

        from .models import Delivery

        def forget_delivery_errors(subscriber):
            # Delivery errors can quote the address back (e.g. "550 <name@example.org> unknown").
            Delivery.objects.filter(subscriber=subscriber).exclude(error="").update(error="")

        also_erase("newsletters.delivery_errors", forget_delivery_errors)
