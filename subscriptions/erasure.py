"""Forgetting people: a subscriber's GDPR erasure, and the purge of signups nobody confirmed."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import audit

from .models import ConsentEvent, Subscriber, Suppression, email_hash
from .services import locked, record_event, suppress, unsubscribe

# What apps above this one keep about a subscriber, cleared on erasure: each registers a
# callable(subscriber) in its ready() (newsletters: delivery errors quoting the address).
_ALSO_ERASED = {}


def also_erase(name: str, forget) -> None:
    """Register `forget(subscriber)`, run inside erase_subscriber's transaction."""
    _ALSO_ERASED[name] = forget


@transaction.atomic
def erase_subscriber(*, subscriber: Subscriber, actor=None) -> None:
    """GDPR erasure: forget who this was, keep that someone was (for honest counts).

    The email, name, consent text and every IP go; the history keeps only kinds and dates;
    a hash of the address joins the suppression list so no import brings it back.
    """
    subscriber = locked(subscriber)
    if subscriber.status == Subscriber.Status.ERASED:
        return
    erased_address_hash = audit.salted_hash(subscriber.email or "")
    if subscriber.email:
        suppress(email_hash(subscriber.email), Suppression.Reason.ERASED)
    unsubscribe(subscriber=subscriber, method="erasure", actor=actor)
    subscriber.events.update(ip_address=None, detail="", method="")
    for forget in _ALSO_ERASED.values():
        forget(subscriber)
    if subscriber.email and apps.is_installed("comments"):
        from comments.services import erase_email

        erase_email(email=subscriber.email)  # comments keep their writer's address
    subscriber.email = None
    subscriber.email_hash = ""
    subscriber.first_name = ""
    subscriber.consent_text = ""
    subscriber.consent_ip = None
    subscriber.status = Subscriber.Status.ERASED
    subscriber.token_version += 1  # every link already sent now names no one
    subscriber.save(
        update_fields=[
            "email",
            "email_hash",
            "first_name",
            "consent_text",
            "consent_ip",
            "status",
            "token_version",
        ]
    )
    record_event(subscriber=subscriber, kind=ConsentEvent.Kind.ERASURE, method="staff", actor=actor)
    audit.record(
        action=audit.Action.SUBSCRIBER_ERASED,
        target=f"subscriber {subscriber.pk}",
        actor=actor,
        address_hash=erased_address_hash,
    )


def pending_purge_queryset(*, older_than_days: int | None = None, now=None):
    days = settings.PENDING_SUBSCRIBER_PURGE_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return Subscriber.objects.filter(
        status=Subscriber.Status.PENDING,
        confirmed_at__isnull=True,
        created_at__lt=cutoff,
    ).exclude(last_confirmation_sent_at__gte=cutoff)


def purge_pending_subscribers(*, older_than_days: int | None = None, batch_size: int = 1000) -> int:
    """Delete signups nobody confirmed within the window (their consent never happened)."""
    deleted = 0
    queryset = pending_purge_queryset(older_than_days=older_than_days)
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            Subscriber.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
