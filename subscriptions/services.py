"""Subscriber workflows: signup, confirmation, leaving, preferences, erasure, bounces.

Views, admin actions, commands, webhooks and tasks call these, and those of bounces.py (bounce
and complaint reports) and erasure.py (erasure, purging abandoned signups); nothing else
changes a subscriber's status. Every change that touches consent leaves a ConsentEvent behind.

Status rules, kept by `_sync_subscriber_status`:
- a Subscriber is *pending* until it confirms once, *active* while any subscription is active,
  *unsubscribed* when it has confirmed before but receives nothing now;
- *bounced*, *complained* and *erased* are final: such a row is never mailed or reactivated,
  and its address sits on the suppression list (a hash), which every path checks too.

Consent rules for links (subscriptions.tokens):
- a pending subscription goes live only through a ConfirmationRequest: the newsletters one
  signup asked for, confirmed at most once by the link in that signup's email;
- an unsubscribe link never switches a newsletter back on: asking to come back is a signup;
- complaints and erasure raise the subscriber's token version, revoking every link sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from .emails import send_confirmation_email
from .exporting import export_subscribers
from .importing import ImportReport, import_subscribers
from .models import (
    BLOCKED_STATUSES,
    ConfirmationRequest,
    ConsentEvent,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
    normalize_email,
)

__all__ = [
    "DEFAULT_CONSENT_TEXT",
    "ConfirmResult",
    "ImportReport",
    "active_recipients",
    "confirm",
    "export_subscribers",
    "import_subscribers",
    "is_suppressed",
    "request_fresh_confirmation",
    "resend_confirmation",
    "send_confirmation_email",
    "set_preferences",
    "subscribe",
    "unsubscribe",
]

DEFAULT_CONSENT_TEXT = (
    "Email me the newsletters I ticked. I can unsubscribe at any time with one click "
    "from any email."
)
LIVE_SUBSCRIPTION_STATUSES = (Subscription.Status.PENDING, Subscription.Status.ACTIVE)


@dataclass
class ConfirmResult:
    newly_confirmed: list[Newsletter] = field(default_factory=list)
    active: list[Newsletter] = field(default_factory=list)
    already_used: bool = False


def is_suppressed(email: str) -> bool:
    return Suppression.objects.covers(email)


def active_recipients(newsletter: Newsletter):
    """Who an issue of `newsletter` goes to right now: the one definition every send uses.

    Active subscriber, active subscription to this newsletter, an address on file and not on
    the suppression list. Call it again (or filter it by pk) when claiming each batch so a
    reader who left mid-send is skipped from then on.
    """
    return (
        Subscriber.objects.filter(
            status=Subscriber.Status.ACTIVE,
            email__isnull=False,
            subscriptions__newsletter=newsletter,
            subscriptions__status=Subscription.Status.ACTIVE,
        )
        .not_suppressed()
        .order_by("pk")
    )


def record_event(
    *,
    subscriber: Subscriber,
    kind: str,
    method: str = "",
    ip: str | None = None,
    actor=None,
    newsletter: Newsletter | None = None,
    detail: str = "",
) -> ConsentEvent:
    return ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=kind,
        method=method,
        ip_address=ip,
        actor=actor,
        newsletter=newsletter,
        detail=detail,
    )


def _record_events(subscriber, kind, newsletters, **kwargs) -> None:
    ConsentEvent.objects.bulk_create(
        ConsentEvent(subscriber=subscriber, kind=kind, newsletter=newsletter, **kwargs)
        for newsletter in newsletters
    )


def _sync_subscriber_status(subscriber: Subscriber) -> None:
    if subscriber.status in BLOCKED_STATUSES:
        return
    if subscriber.subscriptions.filter(status=Subscription.Status.ACTIVE).exists():
        status = Subscriber.Status.ACTIVE
    elif subscriber.confirmed_at is None:
        status = Subscriber.Status.PENDING
    else:
        status = Subscriber.Status.UNSUBSCRIBED
    if status != subscriber.status:
        subscriber.status = status
        subscriber.save(update_fields=["status"])


def locked(subscriber: Subscriber) -> Subscriber:
    """The row again, locked for this transaction, so two clicks cannot interleave."""
    return Subscriber.objects.select_for_update().get(pk=subscriber.pk)


def _enqueue_confirmation(
    subscriber_id: int | None, request_id: int | None = None, *, force: bool = False
) -> None:
    """Queue the confirmation email once the caller's transaction commits (a rollback sends
    nothing, and the worker never looks for rows it cannot see yet). Through the outbox: a
    queue that is down when the signup commits (RQ with Redis stopped) delays the email, and
    loses nothing (core/outbox.py)."""
    from core import outbox

    from .tasks import send_confirmation_email_task

    with transaction.atomic():  # callers outside a transaction still get row and task
        outbox.enqueue_on_commit(send_confirmation_email_task, subscriber_id, force, request_id)


@transaction.atomic
def subscribe(
    *,
    email: str,
    newsletters: Iterable[Newsletter],
    first_name: str = "",
    ip: str | None = None,
    source: str = Subscriber.Source.SIGNUP_FORM,
    consent_text: str = DEFAULT_CONSENT_TEXT,
    method: str = "web form",
    actor=None,
) -> Subscriber | None:
    """Record a signup and queue the confirmation email (double opt-in).

    Every case, known address or not, does the same visible things: one row lookup, one
    queued task, the same answer. Whether mail goes out, and which, is decided in the
    background by `send_confirmation_email`, so neither the page nor its timing tells a
    visitor whether the address was on file. Returns None for suppressed addresses.
    Raises ValidationError for a malformed address.
    """
    address = normalize_email(email)
    validate_email(address)
    newsletters = list(newsletters)
    if not newsletters:
        raise ValueError("subscribe() needs at least one newsletter")
    if is_suppressed(address):
        _enqueue_confirmation(None)
        return None

    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().with_email(address).first()
    if subscriber is None:
        subscriber = Subscriber(
            email=address,
            first_name=first_name.strip()[:100],
            source=source,
            consent_text=consent_text,
            consent_ip=ip,
            consent_at=now,
        )
        subscriber.full_clean()
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:
            # Someone signed the same address up a moment ago; carry on with their row.
            subscriber = Subscriber.objects.select_for_update().with_email(address).get()
    elif subscriber.status in BLOCKED_STATUSES:
        # Bounced or complained, but staff lifted the suppression (checked above): the
        # address may come back through the same double opt-in as anyone else.
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.save(update_fields=["status"])
    elif first_name.strip() and not subscriber.first_name:
        subscriber.first_name = first_name.strip()[:100]
        subscriber.save(update_fields=["first_name"])

    existing = {
        subscription.newsletter_id: subscription
        for subscription in subscriber.subscriptions.select_for_update()
    }
    requested = []
    for newsletter in newsletters:
        subscription = existing.get(newsletter.pk)
        if subscription is None:
            Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
            requested.append(newsletter)
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            # Coming back after leaving still needs a fresh confirmation.
            subscription.status = Subscription.Status.PENDING
            subscription.save(update_fields=["status"])
            requested.append(newsletter)
        elif subscription.status == Subscription.Status.PENDING:
            requested.append(newsletter)
    _record_events(
        subscriber, ConsentEvent.Kind.SIGNUP, requested, method=method, ip_address=ip, actor=actor
    )
    confirmation_request = None
    if requested:
        # This signup's own link: it will confirm these newsletters and no others.
        confirmation_request = ConfirmationRequest.objects.create(subscriber=subscriber)
        confirmation_request.newsletters.set(requested)
    _enqueue_confirmation(subscriber.pk, confirmation_request and confirmation_request.pk)
    return subscriber


def request_fresh_confirmation(
    *, email: str = "", subscriber_id: int | None = None, request_id: int | None = None
) -> None:
    """Queue a new confirmation link for a pending address (from the expired-link page).

    With `request_id` (from an expired link) the new link is for that same signup; without,
    for the address's latest open one (see emails.send_confirmation_email). Says nothing about
    whether the address exists: the task finds out in the background.
    """
    if subscriber_id is None:
        subscriber_id = (
            Subscriber.objects.with_email(email).values_list("pk", flat=True).first()
            if email
            else None
        )
    _enqueue_confirmation(subscriber_id, request_id)


@transaction.atomic
def resend_confirmation(*, subscriber: Subscriber, actor=None) -> bool:
    """Staff send a pending person a fresh confirmation email now, past the resend interval.

    Returns whether one was queued: nobody without a pending subscription, a blocked or
    erased row, or a suppressed address is mailed. The resend lands in the consent history
    with the staff member who asked.
    """
    subscriber = locked(subscriber)
    if (
        subscriber.email is None
        or subscriber.is_blocked
        or is_suppressed(subscriber.email)
        or not subscriber.subscriptions.filter(status=Subscription.Status.PENDING).exists()
    ):
        return False
    record_event(
        subscriber=subscriber,
        kind=ConsentEvent.Kind.ADMIN,
        method="staff (admin action)",
        actor=actor,
        detail="Confirmation email resent",
    )
    _enqueue_confirmation(subscriber.pk, force=True)
    return True


@transaction.atomic
def confirm(*, confirmation_request: ConfirmationRequest, ip: str | None = None) -> ConfirmResult:
    """The reader pressed the button behind their confirmation link: the newsletters that
    signup asked for go live, and the link is used up. Any other pending subscription (a
    signup before or after, maybe by someone else) waits for its own link."""
    subscriber = locked(confirmation_request.subscriber)
    confirmation_request = ConfirmationRequest.objects.select_for_update().get(
        pk=confirmation_request.pk
    )
    result = ConfirmResult()
    if confirmation_request.used_at is not None:
        result.already_used = True
        return result
    if subscriber.status in BLOCKED_STATUSES or is_suppressed(subscriber.email or ""):
        return result
    now = timezone.now()
    asked = set(confirmation_request.newsletters.values_list("pk", flat=True))
    subscriptions = list(subscriber.subscriptions.select_related("newsletter"))
    pending = [
        s
        for s in subscriptions
        if s.status == Subscription.Status.PENDING and s.newsletter_id in asked
    ]
    for subscription in pending:
        subscription.status = Subscription.Status.ACTIVE
        subscription.subscribed_at = now
        subscription.unsubscribed_at = None
    Subscription.objects.bulk_update(pending, ["status", "subscribed_at", "unsubscribed_at"])
    if pending and subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    confirmation_request.used_at = now
    confirmation_request.save(update_fields=["used_at"])
    result.newly_confirmed = [s.newsletter for s in pending]
    result.active = [s.newsletter for s in subscriptions if s.status == Subscription.Status.ACTIVE]
    _record_events(
        subscriber,
        ConsentEvent.Kind.CONFIRMATION,
        result.newly_confirmed,
        method="email link",
        ip_address=ip,
    )
    _sync_subscriber_status(subscriber)
    return result


@transaction.atomic
def unsubscribe(
    *,
    subscriber: Subscriber,
    newsletter: Newsletter | None = None,
    method: str = "email link",
    ip: str | None = None,
    actor=None,
    kind: str = ConsentEvent.Kind.UNSUBSCRIBE,
    detail: str = "",
) -> list[Newsletter]:
    """Stop `newsletter` (None: every newsletter) at once. Idempotent; returns what changed."""
    subscriber = locked(subscriber)
    subscriptions = subscriber.subscriptions.filter(
        status__in=LIVE_SUBSCRIPTION_STATUSES
    ).select_related("newsletter")
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    subscriptions = list(subscriptions)
    now = timezone.now()
    for subscription in subscriptions:
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = now
    Subscription.objects.bulk_update(subscriptions, ["status", "unsubscribed_at"])
    left = [s.newsletter for s in subscriptions]
    _record_events(subscriber, kind, left, method=method, ip_address=ip, actor=actor, detail=detail)
    _sync_subscriber_status(subscriber)
    return left


def _switch_on(subscriber, newsletters, kind, method, ip, actor) -> list[Newsletter]:
    now = timezone.now()
    existing = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
    changed, to_update = [], []
    for newsletter in newsletters:
        subscription = existing.get(newsletter.pk)
        if subscription is None:
            Subscription.objects.create(
                subscriber=subscriber,
                newsletter=newsletter,
                status=Subscription.Status.ACTIVE,
                subscribed_at=now,
            )
        elif subscription.status != Subscription.Status.ACTIVE:
            subscription.status = Subscription.Status.ACTIVE
            subscription.subscribed_at = now
            subscription.unsubscribed_at = None
            to_update.append(subscription)
        else:
            continue
        changed.append(newsletter)
    Subscription.objects.bulk_update(to_update, ["status", "subscribed_at", "unsubscribed_at"])
    if changed and subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    _record_events(subscriber, kind, changed, method=method, ip_address=ip, actor=actor)
    _sync_subscriber_status(subscriber)
    return changed


@transaction.atomic
def set_preferences(
    *,
    subscriber: Subscriber,
    newsletters: Iterable[Newsletter],
    ip: str | None = None,
    method: str = "preference page",
) -> tuple[list[Newsletter], list[Newsletter]]:
    """Receive exactly `newsletters` from now on (empty: leave them all). Returns (on, off).

    The link to this page only ever goes to the subscriber's own mailbox, so switching a
    newsletter on here is a confirmed opt-in.
    """
    subscriber = locked(subscriber)
    wanted = {newsletter.pk: newsletter for newsletter in newsletters}
    switched_on = []
    if subscriber.status not in BLOCKED_STATUSES and not is_suppressed(subscriber.email or ""):
        kind = ConsentEvent.Kind.PREFERENCES
        switched_on = _switch_on(subscriber, list(wanted.values()), kind, method, ip, None)
    # Each unsubscribe() re-reads and re-locks the row, so the status it leaves is current.
    switched_off = []
    for subscription in (
        subscriber.subscriptions.filter(status__in=LIVE_SUBSCRIPTION_STATUSES)
        .exclude(newsletter__in=list(wanted))
        .select_related("newsletter")
    ):
        switched_off += unsubscribe(
            subscriber=subscriber,
            newsletter=subscription.newsletter,
            method=method,
            ip=ip,
            kind=ConsentEvent.Kind.PREFERENCES,
            detail="Switched off",
        )
    return switched_on, switched_off


def suppress(address_hash: str, reason: str) -> None:
    """Put an address (its hash) on the suppression list: never mailed or imported again."""
    Suppression.objects.get_or_create(email_hash=address_hash, defaults={"reason": reason})


def subscriber_newsletters(subscriber: Subscriber) -> Iterator[tuple[Newsletter, str | None]]:
    """Every newsletter a preference page offers, with this subscriber's status for each."""
    statuses = dict(subscriber.subscriptions.values_list("newsletter_id", "status"))
    offered = Newsletter.objects.filter(is_public=True) | Newsletter.objects.filter(
        pk__in=list(statuses)
    )
    for newsletter in offered.distinct().order_by("position", "name"):
        yield newsletter, statuses.get(newsletter.pk)
