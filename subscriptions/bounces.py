"""Bounce and complaint reports (from the email provider's webhook, subscriptions.webhooks):
the address is suppressed and its subscriber blocked, for good (services.py's status rules)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import (
    BLOCKED_STATUSES,
    ConsentEvent,
    Subscriber,
    Suppression,
    email_hash,
    normalize_email,
)
from .services import record_event, suppress, unsubscribe


def _block(subscriber: Subscriber, *, status: str, kind: str, method: str, detail: str) -> None:
    left = unsubscribe(subscriber=subscriber, method=method, kind=kind, detail=detail)
    if not left:
        record_event(subscriber=subscriber, kind=kind, method=method, detail=detail)
    subscriber.status = status
    subscriber.save(update_fields=["status"])


@transaction.atomic
def record_bounce(*, email: str, hard: bool, detail: str = "", method: str = "webhook") -> bool:
    """A bounce report. A hard bounce, or SOFT_BOUNCE_LIMIT soft ones within
    SOFT_BOUNCE_WINDOW_DAYS, marks the address bounced and suppresses it. True if it did."""
    address = normalize_email(email)
    subscriber = Subscriber.objects.select_for_update().with_email(address).first()
    if not hard:
        if subscriber is None:
            return False
        record_event(
            subscriber=subscriber,
            kind=ConsentEvent.Kind.SOFT_BOUNCE,
            method=method,
            detail=detail,
        )
        since = timezone.now() - timedelta(days=settings.SOFT_BOUNCE_WINDOW_DAYS)
        recent = subscriber.events.filter(
            kind=ConsentEvent.Kind.SOFT_BOUNCE, created_at__gte=since
        ).count()
        if recent < settings.SOFT_BOUNCE_LIMIT:
            return False
        detail = f"{recent} soft bounces in {settings.SOFT_BOUNCE_WINDOW_DAYS} days. {detail}"
    suppress(email_hash(address), Suppression.Reason.BOUNCED)
    if subscriber is not None and subscriber.status not in BLOCKED_STATUSES:
        _block(
            subscriber,
            status=Subscriber.Status.BOUNCED,
            kind=ConsentEvent.Kind.BOUNCE,
            method=method,
            detail=detail.strip(),
        )
    return True


@transaction.atomic
def record_complaint(*, email: str, detail: str = "", method: str = "webhook") -> None:
    """A spam complaint: out of every newsletter at once, and suppressed."""
    address = normalize_email(email)
    suppress(email_hash(address), Suppression.Reason.COMPLAINED)
    subscriber = Subscriber.objects.select_for_update().with_email(address).first()
    if subscriber is not None and subscriber.status not in (
        Subscriber.Status.COMPLAINED,
        Subscriber.Status.ERASED,
    ):
        _block(
            subscriber,
            status=Subscriber.Status.COMPLAINED,
            kind=ConsentEvent.Kind.COMPLAINT,
            method=method,
            detail=detail,
        )
        # Whoever complained may not be the owner (a forwarded issue): no link sent so far
        # may act for this address any more.
        subscriber.token_version += 1
        subscriber.save(update_fields=["token_version"])
