"""Bounces and complaints reported by the email provider, through django-anymail.

Anymail receives the webhook of the one provider named in EMAIL_WEBHOOK_PROVIDER (e.g.
/anymail/postmark/tracking/), checks its signature or basic-auth credentials (which provider,
which credential, and that nothing else is mounted: email_webhooks.py) and turns each
event into a normalised AnymailTrackingEvent; this receiver, connected in
SubscriptionsConfig.ready(), maps those to our services.
"""

import logging

from anymail.signals import EventType, RejectReason

from . import bounces, services
from .models import Subscriber

logger = logging.getLogger(__name__)

# Temporary failures: counted, and only SOFT_BOUNCE_LIMIT of them in the window block an address.
# Postmark reports soft bounces as "bounced" too, so its own bounce Type decides.
SOFT_POSTMARK_TYPES = {"SoftBounce", "Transient", "DnsError"}
HARD_REJECT_REASONS = {RejectReason.BOUNCED, RejectReason.INVALID}


def _provider_type(event) -> str:
    esp_event = event.esp_event
    if isinstance(esp_event, dict):
        return str(esp_event.get("Type") or "")
    return ""


def handle_tracking_event(sender, event, esp_name, **kwargs):
    recipient = event.recipient
    if not recipient:
        return
    detail = f"{esp_name}: {event.event_type}"
    provider_type = _provider_type(event)
    if provider_type:
        detail += f" ({provider_type})"
    if event.description:
        detail += f". {event.description}"
    if event.mta_response:
        detail += f" ({event.mta_response})"
    detail = detail[:1000]

    if event.event_type == EventType.COMPLAINED:
        bounces.record_complaint(email=recipient, detail=detail)
    elif event.event_type == EventType.BOUNCED:
        soft = provider_type in SOFT_POSTMARK_TYPES
        bounces.record_bounce(email=recipient, hard=not soft, detail=detail)
    elif event.event_type == EventType.DEFERRED:
        bounces.record_bounce(email=recipient, hard=False, detail=detail)
    elif event.event_type == EventType.REJECTED and event.reject_reason in HARD_REJECT_REASONS:
        bounces.record_bounce(email=recipient, hard=True, detail=detail)
    elif event.event_type == EventType.UNSUBSCRIBED:
        # The provider's own unsubscribe handling (e.g. its List-Unsubscribe): honour it.
        subscriber = Subscriber.objects.with_email(recipient).first()
        if subscriber is not None:
            services.unsubscribe(subscriber=subscriber, method=f"{esp_name} webhook")
