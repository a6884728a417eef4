"""Handing an issue to the email backend: every recipient once, nobody silently skipped.

The protocol, one Delivery row per recipient (unique per issue and subscriber):

1. A worker *claims* up to NEWSLETTER_BATCH_SIZE ready rows by stamping them with its claim
   token. Ready means pending, or failed with a retry that is due, and not claimed. On
   PostgreSQL the candidates are read with SELECT ... FOR UPDATE SKIP LOCKED, so concurrent
   workers take disjoint batches without waiting on each other. On SQLite the claim runs in an
   IMMEDIATE transaction (see settings), i.e. under the database's single write lock; one worker
   at a time is the supported set-up there. The claim UPDATE also re-checks `claimed_by=""`,
   so it is safe on any database.
2. Claimed rows whose reader has left since the snapshot (unsubscribed, bounced, suppressed)
   are marked skipped: the audience is re-checked for every batch.
3. For each message, one transaction records the previous message's outcome and marks this
   row `sending`. Only then does the backend see the message, and the row becomes `sent`
   (with the message id) only after the backend accepted it.
4. A worker that dies leaves at most NEWSLETTER_SEND_GROUP rows in `sending`. Once their claim
   is older than NEWSLETTER_CLAIM_TIMEOUT, `recover_stale_claims` marks them *uncertain*, to be
   resent or skipped by an editor (never resent blindly), and releases the dead worker's
   untouched rows to the next batch.

A refused message (the server answered with an error) is *failed*: retried with exponential
back-off up to NEWSLETTER_MAX_ATTEMPTS times, unless the refusal was permanent (5xx). A
connection that breaks while a message is on the wire makes that one row uncertain.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.mailfailures import is_refusal, refusal_is_permanent
from subscriptions.services import active_recipients

from . import statements
from .emails import RenderedIssue, message_id_of, render_issue
from .models import Delivery, NewsletterIssue

logger = logging.getLogger(__name__)

Status = Delivery.Status
READY_STATUSES = (Status.PENDING, Status.FAILED)
SKIPPED_MESSAGE = "Left the list (or was suppressed) before this batch was sent."
UNCERTAIN_MESSAGE = (
    "In flight when its worker stopped responding: the message may or may not have gone out."
)


def new_claim_token() -> str:
    """Unique per pump run; names the host and process so an editor can tell workers apart."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(6)}"


def ready_filter(now) -> Q:
    return Q(claimed_by="") & (
        Q(status=Status.PENDING) | Q(status=Status.FAILED, next_attempt_at__lte=now)
    )


def unfinished_filter() -> Q:
    """Rows that will still be sent without anyone deciding anything."""
    return Q(status__in=[Status.PENDING, Status.SENDING]) | Q(
        status=Status.FAILED, next_attempt_at__isnull=False
    )


@dataclass
class BatchOutcome:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    released: int = 0

    def __iadd__(self, other: BatchOutcome) -> BatchOutcome:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


# --- Claiming and recovering --------------------------------------------------------------


def claim_batch(issue_id: int, *, token: str, size: int, now=None) -> list[int]:
    """Stamp up to `size` ready rows with `token`; the ids this worker now owns, in order."""
    now = now or timezone.now()
    ready = Delivery.objects.filter(ready_filter(now), issue_id=issue_id)
    with transaction.atomic():
        candidates = ready.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        claimed = ready.filter(pk__in=ids).update(claimed_by=token, claimed_at=now)
    if claimed != len(ids):  # another worker got some of them first (no SKIP LOCKED here)
        ids = list(
            Delivery.objects.filter(pk__in=ids, claimed_by=token)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return ids


def recover_stale_claims(issue=None, *, now=None, timeout=None) -> tuple[int, int]:
    """(uncertain, released): settle rows whose worker stopped renewing its claim.

    Rows in `sending` may have reached the reader: they become uncertain and keep their claim
    token, so a worker that was only slow can still record `sent`. Claimed rows that were
    never handed over go back to the pool.
    """
    now = now or timezone.now()
    timeout = settings.NEWSLETTER_CLAIM_TIMEOUT if timeout is None else timeout
    stale = Delivery.objects.exclude(claimed_by="").filter(
        claimed_at__lt=now - timedelta(seconds=timeout)
    )
    if issue is not None:
        stale = stale.filter(issue=issue)
    with transaction.atomic():
        uncertain = stale.filter(status=Status.SENDING).update(
            status=Status.UNCERTAIN, error=UNCERTAIN_MESSAGE
        )
        released = stale.filter(status__in=READY_STATUSES).update(claimed_by="", claimed_at=None)
    if uncertain or released:
        logger.warning(
            "Recovered stale claims (issue %s): %d uncertain, %d released",
            getattr(issue, "pk", "any"),
            uncertain,
            released,
        )
    return uncertain, released


# --- One batch ----------------------------------------------------------------------------


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class _Sender:
    """Hands one claimed batch to the backend, writing outcomes as described above."""

    def __init__(self, *, token: str, rendered: RenderedIssue, backend):
        self.token = token
        self.rendered = rendered
        self.backend = backend
        self.outcome = BatchOutcome()
        self.renewed_at = time.monotonic()

    def record_failure(self, row: Delivery, exc: BaseException, now) -> None:
        row.attempts += 1
        row.status = Status.FAILED
        row.error = _error_text(exc)
        row.claimed_by = ""
        row.claimed_at = None
        retry = not refusal_is_permanent(exc) and row.attempts < settings.NEWSLETTER_MAX_ATTEMPTS
        row.next_attempt_at = (
            now + timedelta(seconds=settings.NEWSLETTER_RETRY_SECONDS * 2 ** (row.attempts - 1))
            if retry
            else None
        )
        self.outcome.failed += 1

    def hand_over(self, row: Delivery) -> bool:
        """Send one message; False when the connection is no longer usable."""
        now = timezone.now()
        try:
            message = self.rendered.message_for(row.subscriber)
        except Exception as exc:  # nothing reached the backend
            logger.exception("Could not build the message for delivery %s", row.pk)
            self.record_failure(row, exc, now)
            return True
        try:
            accepted = self.backend.send_messages([message])
        except Exception as exc:
            if is_refusal(exc):
                self.record_failure(row, exc, now)
                return True
            row.attempts += 1
            row.status = Status.UNCERTAIN
            row.error = f"The connection failed while sending: {_error_text(exc)}"
            self.outcome.uncertain += 1
            return False
        if not accepted:
            self.record_failure(row, RuntimeError("The email backend did not accept it."), now)
            return True
        row.attempts += 1
        row.status = Status.SENT
        row.sent_at = timezone.now()
        row.message_id = message_id_of(message)[:255]
        row.error = ""
        row.next_attempt_at = None
        self.outcome.sent += 1
        return True

    def mark_sending(self, done: list[Delivery], group: list[Delivery]) -> list[Delivery]:
        """Record `done`, then durably mark `group` as on its way; the rows still ours."""
        now = timezone.now()
        ids = [row.pk for row in group]
        marked = statements.run_together(
            [
                *statements.outcome_statements(done),
                statements.mark_statement(
                    ids,
                    status=Status.SENDING,
                    token=self.token,
                    ready_statuses=READY_STATUSES,
                    now=now,
                ),
            ]
        )
        if time.monotonic() - self.renewed_at > settings.NEWSLETTER_CLAIM_TIMEOUT / 3:
            # A slow batch keeps its claim alive, so nobody mistakes it for a dead worker.
            Delivery.objects.filter(claimed_by=self.token, status__in=READY_STATUSES).update(
                claimed_at=now
            )
            self.renewed_at = time.monotonic()
        if marked != len(group):  # recovery handed some rows to another worker meanwhile
            mine = set(
                Delivery.objects.filter(
                    pk__in=ids, claimed_by=self.token, status=Status.SENDING
                ).values_list("pk", flat=True)
            )
            group = [row for row in group if row.pk in mine]
        return group

    def finish(self, done: list[Delivery], untouched: list[Delivery]) -> None:
        with transaction.atomic():
            if done:
                statements.run_together(statements.outcome_statements(done))
            if untouched:
                self.outcome.released += Delivery.objects.filter(
                    pk__in=[row.pk for row in untouched],
                    claimed_by=self.token,
                    status__in=[*READY_STATUSES, Status.SENDING],
                ).update(status=Status.PENDING, claimed_by="", claimed_at=None)

    def send(self, rows: list[Delivery]) -> None:
        group_size = max(1, settings.NEWSLETTER_SEND_GROUP)
        done: list[Delivery] = []
        position = 0
        try:
            self.backend.open()
        except Exception as exc:  # nothing was handed over: every row may simply retry
            now = timezone.now()
            for row in rows:
                self.record_failure(row, exc, now)
            self.finish(rows, [])
            return
        try:
            while position < len(rows):
                group = self.mark_sending(done, rows[position : position + group_size])
                position += group_size
                done = []
                for index, row in enumerate(group):
                    usable = self.hand_over(row)
                    done.append(row)
                    if not usable:
                        # The rest of this group never reached the backend: back to the pool.
                        self.finish(done, group[index + 1 :] + rows[position:])
                        return
            self.finish(done, [])
        finally:
            try:
                self.backend.close()
            except Exception:  # a broken connection may fail to QUIT; the batch is recorded
                logger.warning("Closing the email connection failed", exc_info=True)


def deliver_batch(
    issue: NewsletterIssue, *, token: str, size: int | None = None, backend=None
) -> BatchOutcome | None:
    """Claim and send one batch of `issue`; None when nothing is ready right now.

    Reads a fixed number of times whatever the batch size (claim, rows with their subscriber,
    which of them still want the newsletter, the issue's stories); per recipient it only
    writes status updates.
    """
    size = size or settings.NEWSLETTER_BATCH_SIZE
    ids = claim_batch(issue.pk, token=token, size=size)
    if not ids:
        return None
    rows = list(
        Delivery.objects.filter(pk__in=ids, claimed_by=token)
        .select_related("subscriber")
        .order_by("pk")
    )
    # Asked for these subscribers by id: an index lookup per row whatever the planner thinks
    # of the whole list (after a big import, stale statistics once made a correlated EXISTS
    # rebuild the entire audience for every batch).
    wanted = set(
        active_recipients(issue.newsletter)
        .filter(pk__in=[row.subscriber_id for row in rows])
        .values_list("pk", flat=True)
    )
    leaving = [row.pk for row in rows if row.subscriber_id not in wanted]
    if leaving:
        Delivery.objects.filter(pk__in=leaving, claimed_by=token).update(
            status=Status.SKIPPED, error=SKIPPED_MESSAGE
        )
    sender = _Sender(token=token, rendered=render_issue(issue), backend=backend or get_connection())
    sender.outcome.claimed = len(rows)
    sender.outcome.skipped = len(leaving)
    sender.send([row for row in rows if row.subscriber_id in wanted])
    return sender.outcome


# --- The pump and the totals --------------------------------------------------------------


def run_pump(issue_id: int, *, token: str | None = None, after_batch=None) -> BatchOutcome:
    """Send batches of an issue until none is ready, then close the issue if it is done."""
    token = token or new_claim_token()
    totals = BatchOutcome()
    issue = NewsletterIssue.objects.select_related("newsletter").filter(pk=issue_id).first()
    if issue is None or issue.status != NewsletterIssue.Status.SENDING:
        return totals
    recover_stale_claims(issue)
    while (outcome := deliver_batch(issue, token=token)) is not None:
        totals += outcome
        if after_batch is not None:
            after_batch(outcome)
    finish_if_done(issue)
    return totals


def progress(issue: NewsletterIssue) -> dict[str, int]:
    """Live counts for the issue page, in one query."""
    now = timezone.now()
    counts = Delivery.objects.filter(issue=issue).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED, next_attempt_at__isnull=True)),
        retrying=Count("pk", filter=Q(status=Status.FAILED, next_attempt_at__isnull=False)),
        uncertain=Count("pk", filter=Q(status=Status.UNCERTAIN)),
        skipped=Count("pk", filter=Q(status=Status.SKIPPED)),
        in_flight=Count("pk", filter=Q(status=Status.SENDING)),
        waiting=Count("pk", filter=Q(status=Status.PENDING)),
        stale=Count(
            "pk",
            filter=~Q(claimed_by="")
            & Q(status__in=[Status.PENDING, Status.SENDING])
            & Q(claimed_at__lt=now - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)),
        ),
    )
    counts["remaining"] = counts["waiting"] + counts["in_flight"] + counts["retrying"]
    counts["settled"] = counts["total"] - counts["remaining"]
    return counts


def refresh_counts(issue: NewsletterIssue) -> dict[str, int]:
    counts = progress(issue)
    issue.recipient_count = counts["total"]
    issue.sent_count = counts["sent"]
    issue.failed_count = counts["failed"] + counts["retrying"]
    issue.skipped_count = counts["skipped"]
    issue.uncertain_count = counts["uncertain"]
    issue.save(
        update_fields=[
            "recipient_count",
            "sent_count",
            "failed_count",
            "skipped_count",
            "uncertain_count",
        ]
    )
    return counts


def finish_if_done(issue: NewsletterIssue) -> bool:
    """Mark a sending issue sent (or failed) once no row will be sent without a decision."""
    if Delivery.objects.filter(unfinished_filter(), issue=issue).exists():
        return False
    counts = refresh_counts(issue)
    Issue = NewsletterIssue
    final = Issue.Status.FAILED if counts["failed"] and not counts["sent"] else Issue.Status.SENT
    now = timezone.now()
    finished = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
        status=final, sent_at=now, watch_token=""
    )
    if finished:
        issue.status, issue.sent_at, issue.watch_token = final, now, ""
    return True


def has_ready_work(issue: NewsletterIssue) -> bool:
    return Delivery.objects.filter(ready_filter(timezone.now()), issue=issue).exists()


def has_live_claims(issue: NewsletterIssue) -> bool:
    cutoff = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT)
    return (
        Delivery.objects.filter(issue=issue, claimed_at__gte=cutoff)
        .exclude(claimed_by="")
        .filter(status__in=[*READY_STATUSES, Status.SENDING])
        .exists()
    )
