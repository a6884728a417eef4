"""The confirmation email, decided and sent from a background task.

`subscribe()` queues a task for every signup so the signup page answers the same way, in
the same time, whether or not the address was known. The task then picks the one email
that fits, if any:
- newsletters still pending → a confirmation link (at most one per
  CONFIRMATION_RESEND_INTERVAL) for one ConfirmationRequest: the signup that queued the task,
  or, for a resend, the latest one still open;
- already receiving everything asked for → a short "you're already subscribed" note with
  the preference link (same throttle), so the owner learns someone used the form;
- blocked, suppressed or nothing to confirm → nothing.

A refused hand-off (or a server that could not be reached) gives the send slot back and raises
ConfirmationNotSent, which the task retries with back-off (subscriptions/tasks.py). One whose
outcome is unknown (a timeout after DATA) keeps the slot, is stamped
`confirmation_uncertain_at` and raises ConfirmationUncertain: never re-sent blindly.

Nothing the signup form's visitor typed besides the address (the first name) goes into
these emails: whoever typed it may not own the mailbox, and their words would arrive in it
under our name.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.mailfailures import is_refusal, refusal_is_permanent

from . import tokens
from .models import (
    BLOCKED_STATUSES,
    ConfirmationRequest,
    Subscriber,
    Subscription,
    Suppression,
)

logger = logging.getLogger(__name__)
_inliner = css_inline.CSSInliner(keep_style_tags=False)


class ConfirmationNotSent(Exception):
    """The mail server refused the email or could not be reached: it did not go out."""

    def __init__(self, cause: BaseException, *, permanent: bool = False):
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.permanent = permanent


class ConfirmationUncertain(Exception):
    """The hand-off broke off after the message was on the wire: it may have gone out."""


def _hand_over(message) -> None:
    """Send one message, raising ConfirmationNotSent or ConfirmationUncertain on failure."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # nothing reached the server
        raise ConfirmationNotSent(exc) from exc
    try:
        if not connection.send_messages([message]):
            raise ConfirmationNotSent(RuntimeError("The email backend did not accept it."))
    except ConfirmationNotSent:
        raise
    except Exception as exc:
        if is_refusal(exc):
            raise ConfirmationNotSent(exc, permanent=refusal_is_permanent(exc)) from exc
        raise ConfirmationUncertain(f"{type(exc).__name__}: {exc}") from exc
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to QUIT
            logger.warning("Closing the email connection failed", exc_info=True)


def render_email(template_base: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, inlined HTML) from `<base>_subject.txt`, `.txt` and `.html`."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template_base}_subject.txt", context).split())
    text = render_to_string(f"{template_base}.txt", context)
    html = _inliner.inline(render_to_string(f"{template_base}.html", context))
    return subject, text, html


def _claim_send_slot(subscriber: Subscriber, *, force: bool) -> bool:
    """Stamp last_confirmation_sent_at unless an email went out within the interval.

    A conditional UPDATE, so two workers racing for the same address send one email.
    """
    now = timezone.now()
    rows = Subscriber.objects.filter(pk=subscriber.pk)
    if not force:
        cutoff = now - timedelta(seconds=settings.CONFIRMATION_RESEND_INTERVAL_SECONDS)
        rows = rows.filter(
            Q(last_confirmation_sent_at__isnull=True) | Q(last_confirmation_sent_at__lte=cutoff)
        )
    return rows.update(last_confirmation_sent_at=now) == 1


def _request_to_confirm(subscriber, pending, confirmation_request):
    """(the request a confirmation email is for, the newsletters it lists) or (None, [])."""
    pending_ids = {newsletter.pk for newsletter in pending}
    if confirmation_request is None:
        # A resend: the latest signup still waiting, else (an import's or an older
        # version's pending rows, which no signup request covers) everything pending.
        for candidate in subscriber.confirmation_requests.filter(used_at=None):
            if pending_ids & set(candidate.newsletters.values_list("pk", flat=True)):
                confirmation_request = candidate
                break
        else:
            if not pending:
                return None, []
            confirmation_request = ConfirmationRequest.objects.create(subscriber=subscriber)
            confirmation_request.newsletters.set(pending)
    if confirmation_request.used_at is not None:
        return None, []
    asked = set(confirmation_request.newsletters.values_list("pk", flat=True))
    return confirmation_request, [n for n in pending if n.pk in asked]


def send_confirmation_email(
    subscriber: Subscriber,
    *,
    force: bool = False,
    confirmation_request: ConfirmationRequest | None = None,
) -> bool:
    """Send the email this subscriber's state calls for (see module doc). True if one went.

    `confirmation_request`: the signup to confirm (None: a resend, see `_request_to_confirm`).
    `force` skips the ten-minute throttle: staff pressing "resend confirmation" mean it.
    """
    if (
        not subscriber.email
        or subscriber.status in BLOCKED_STATUSES
        or Suppression.objects.covers(subscriber.email)
    ):
        return False
    subscriptions = list(
        subscriber.subscriptions.filter(
            status__in=[Subscription.Status.PENDING, Subscription.Status.ACTIVE]
        ).select_related("newsletter")
    )
    pending = [s.newsletter for s in subscriptions if s.status == Subscription.Status.PENDING]
    active = [s.newsletter for s in subscriptions if s.status == Subscription.Status.ACTIVE]
    confirmation_request, listed = _request_to_confirm(subscriber, pending, confirmation_request)
    if listed:
        template = "emails/subscriptions/confirmation"
    elif active:
        template = "emails/subscriptions/already_subscribed"
    else:
        return False
    previous = subscriber.last_confirmation_sent_at
    if not _claim_send_slot(subscriber, force=force):
        return False
    context = {
        "subscriber": subscriber,
        "pending_newsletters": listed,
        "active_newsletters": active,
        "confirm_url": tokens.confirmation_url(confirmation_request) if listed else "",
        "preferences_url": tokens.preferences_url(subscriber),
        "valid_days": max(1, round(tokens.confirmation_max_age() / 86400)),
        "postal_address": settings.NEWSLETTER_POSTAL_ADDRESS,
    }
    subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    try:
        _hand_over(message)
    except ConfirmationNotSent:
        # Give the slot back so the retry (or the reader's next try) is not throttled by a
        # mail we never sent.
        Subscriber.objects.filter(pk=subscriber.pk).update(last_confirmation_sent_at=previous)
        raise
    except ConfirmationUncertain:
        # It may be in the reader's inbox: the slot stays taken, and nobody re-sends it blindly.
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_uncertain_at=timezone.now())
        logger.warning("Confirmation email to subscriber %s: outcome unknown", subscriber.pk)
        raise
    return True
