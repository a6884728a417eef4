"""Newsletter workflows: compose, test, schedule, send, watch and settle an issue.

Views, the admin, commands and tasks call these. The sending mechanics (claims, batches,
outcomes) live in `newsletters.sending`; this module decides *when* they run.

How an issue goes out:
- `schedule_issue` (or `send_now`, which schedules for now) marks the issue scheduled and
  enqueues the first link of a *watch chain*: a `watch_issue` task with `run_after` set to the
  scheduled time. django-tasks' database backend supports deferred tasks, so `db_worker` starts
  the send on time with no cron job.
- At that time the link calls `send_issue`, which snapshots the audience into Delivery rows
  and enqueues NEWSLETTER_SEND_WORKERS `deliver_issue` pumps.
- Each link enqueues its successor (every NEWSLETTER_WATCH_INTERVAL seconds) before doing its
  work, so the chain survives a worker killed mid-send: a later link recovers the dead pump's
  claims (`recover_stale_claims`) and starts a new pump. The chain ends when the issue is sent.
- The chain itself can be lost: a worker killed inside a link (the database backend leaves
  that task "running" for ever, and the successor, enqueued on commit, never was), a task row
  deleted, a queue flushed. Each link stamps `watched_at`; a periodic *sweep*
  (`rewatch_stalled_sends`) gives every sending or overdue issue whose chain has been silent
  for NEWSLETTER_WATCH_STALL_SECONDS a new chain, by a conditional update of its token, so two
  sweeps start one chain and a lost link that was only late finds itself superseded. The sweep
  is a chain of its own, kept alive by every watch link (`schedule_sweep`): losing one of the
  two chains is repaired by the other. Pumps that run twice cannot mail anyone twice (the
  claim protocol in `sending`).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from articles.models import Article
from core import outbox
from subscriptions.models import Subscriber
from subscriptions.services import active_recipients

from . import sending
from .emails import render_issue
from .models import Delivery, IssueStory, NewsletterIssue

logger = logging.getLogger(__name__)
Issue = NewsletterIssue
SWEEP_SCHEDULED_KEY = "newsletters:sweep-scheduled"
SNAPSHOT_CHUNK = 5000
ANALYZE_AFTER = 10_000  # recipients; below this the planner's guesses do no harm


class IssueStateError(ValidationError):
    """The issue is not in a state that allows this (e.g. sending an issue already sent)."""


# --- Composing ------------------------------------------------------------------------------


def check_ready_to_send(issue: NewsletterIssue) -> None:
    """Raise ValidationError unless the issue has something to say."""
    has_stories = IssueStory.objects.filter(
        issue=issue, article__in=Article.objects.published()
    ).exists()
    if not has_stories and not issue.intro.strip():
        raise ValidationError("Add at least one published story or an introduction first.")


@transaction.atomic
def fill_from_latest(
    *, issue: NewsletterIssue, section=None, tag=None, limit: int = 5
) -> list[Article]:
    """Append the newest published stories of a section and/or tag not yet in the issue."""
    if not issue.is_editable:
        raise IssueStateError("This issue has started sending; its stories are fixed.")
    stories = Article.objects.published().newest_first()
    if section is not None:
        stories = stories.filter(section=section)
    if tag is not None:
        stories = stories.filter(tags=tag)
    existing = IssueStory.objects.filter(issue=issue)
    picked = list(stories.exclude(pk__in=existing.values("article_id")).distinct()[:limit])
    last = existing.order_by("-position").values_list("position", flat=True).first()
    start = 0 if last is None else last + 1
    IssueStory.objects.bulk_create(
        IssueStory(issue=issue, article=article, position=start + offset)
        for offset, article in enumerate(picked)
    )
    return picked


def send_test(*, issue: NewsletterIssue, to_email: str) -> str:
    """Send the issue exactly as readers get it to one staff address; returns the address.

    When the address is a subscriber's, their real personal links go in, so the test also
    proves the unsubscribe and preference links work.
    """
    if not to_email:
        raise ValidationError("Your staff account has no email address to send the test to.")
    rendered = render_issue(issue)
    subscriber = Subscriber.objects.with_email(to_email).first()
    links = rendered.links_for(subscriber) if subscriber else rendered.preview_links()
    with get_connection() as connection:
        message = rendered.message_for(
            Subscriber(email=to_email),
            connection=connection,
            links=links,
            subject=f"[Test] {issue.subject}",
        )
        message.send()
    return to_email


# --- Scheduling and sending -----------------------------------------------------------------


def _start_watch_chain(issue: NewsletterIssue, *, run_after) -> str:
    """Give the issue a fresh chain token (and check-in time: save both); the first link is
    enqueued after commit."""
    token = secrets.token_hex(16)
    issue.watch_token = token
    issue.watched_at = timezone.now()
    _enqueue_link_on_commit(issue.pk, token, run_after)
    return token


def _enqueue_link_on_commit(issue_id: int, token: str, run_after) -> None:
    """The link goes through the task outbox (core.outbox): written in this transaction, on
    the queue once it commits, or later by the relay if the queue (RQ's Redis) is down."""
    from .tasks import watch_issue

    outbox.enqueue_on_commit(watch_issue, issue_id, token, run_after=run_after)
    # robust: the sweep is a safety net; a queue that is down must not fail the caller.
    transaction.on_commit(schedule_sweep, robust=True)


def _start_pumps(issue: NewsletterIssue) -> None:
    from .tasks import deliver_issue

    # SQLite serialises writers: more than one pump there only waits on the lock.
    workers = 1 if connection.vendor == "sqlite" else max(1, settings.NEWSLETTER_SEND_WORKERS)
    for _ in range(workers):
        outbox.enqueue_on_commit(deliver_issue, issue.pk)


def _locked(issue: NewsletterIssue) -> NewsletterIssue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


@transaction.atomic
def schedule_issue(*, issue: NewsletterIssue, at, by=None) -> NewsletterIssue:
    """Send the issue at `at` (an aware datetime; now or earlier means right away)."""
    if timezone.is_naive(at):
        raise ValidationError("The send time needs a time zone.")
    locked = _locked(issue)
    if not locked.is_editable:
        raise IssueStateError("This issue has already started sending.")
    check_ready_to_send(locked)
    locked.status = Issue.Status.SCHEDULED
    locked.scheduled_at = at
    _start_watch_chain(locked, run_after=at)
    locked.save(update_fields=["status", "scheduled_at", "watch_token", "watched_at"])
    return locked


def send_now(*, issue: NewsletterIssue, by=None) -> NewsletterIssue:
    return schedule_issue(issue=issue, at=timezone.now(), by=by)


@transaction.atomic
def cancel_schedule(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Back to draft; the pending watch link finds its token gone and stops."""
    locked = _locked(issue)
    if locked.status != Issue.Status.SCHEDULED:
        raise IssueStateError("Only a scheduled issue can be unscheduled.")
    locked.status = Issue.Status.DRAFT
    locked.scheduled_at = None
    locked.watch_token = ""
    locked.save(update_fields=["status", "scheduled_at", "watch_token"])
    return locked


@transaction.atomic
def send_issue(issue: NewsletterIssue) -> NewsletterIssue:
    """Snapshot the audience into Delivery rows and start the pumps.

    The snapshot is idempotent (unique per issue and subscriber, conflicts ignored) and runs
    in the same transaction as the status change, so an issue is never half-started. The
    watch chain and the pumps are enqueued once it commits.
    """
    locked = _locked(issue)
    if not locked.is_editable:
        raise IssueStateError("This issue has already started sending.")
    check_ready_to_send(locked)
    audience = active_recipients(locked.newsletter).values_list("pk", flat=True)
    last_pk = 0
    while chunk := list(audience.filter(pk__gt=last_pk)[:SNAPSHOT_CHUNK]):
        Delivery.objects.bulk_create(
            [Delivery(issue_id=locked.pk, subscriber_id=pk) for pk in chunk],
            ignore_conflicts=True,
        )
        last_pk = chunk[-1]
    now = timezone.now()
    locked.status = Issue.Status.SENDING
    locked.started_at = now
    locked.recipient_count = Delivery.objects.filter(issue=locked).count()
    if locked.recipient_count >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Fresh statistics for the claim queries straight away, rather than whenever
        # autovacuum gets round to the new rows (stale ones can turn an index lookup per
        # batch into a scan of the whole table).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Delivery._meta.db_table)}")
    _start_watch_chain(locked, run_after=now + _watch_interval())
    _start_pumps(locked)
    locked.save(
        update_fields=["status", "started_at", "recipient_count", "watch_token", "watched_at"]
    )
    return locked


def _watch_interval() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_WATCH_INTERVAL)


def watch(issue_id: int, token: str) -> str:
    """One link of the watch chain (see module doc); returns what it did, for the task log."""
    issue = Issue.objects.select_related("newsletter").filter(pk=issue_id).first()
    if issue is None or issue.watch_token != token:
        return "superseded"
    if issue.status not in {Issue.Status.SCHEDULED, Issue.Status.SENDING}:
        return "nothing to watch"
    now = timezone.now()
    run_after = now + _watch_interval()
    if issue.status == Issue.Status.SCHEDULED and issue.scheduled_at > now:
        run_after = issue.scheduled_at
    with transaction.atomic():
        # The successor goes in first: if this worker dies below, the chain still goes on.
        next_token = _start_watch_chain(issue, run_after=run_after)
        taken_over = Issue.objects.filter(pk=issue.pk, watch_token=token).update(
            watch_token=next_token, watched_at=now
        )
        if not taken_over:
            transaction.set_rollback(True)
            return "superseded"
    if issue.status == Issue.Status.SCHEDULED:
        if issue.scheduled_at > now:
            return "waiting"
        try:
            send_issue(issue)
        except ValidationError:
            Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT, watch_token="")
            return "not ready: back to draft"
        return "started"
    sending.recover_stale_claims(issue)
    if sending.finish_if_done(issue):
        return "finished"
    if sending.has_ready_work(issue) and not sending.has_live_claims(issue):
        from .tasks import deliver_issue

        outbox.enqueue_on_commit(deliver_issue, issue.pk)
        return "resumed"
    return "sending"


# --- Lost chains ----------------------------------------------------------------------------


def _stalled(now) -> Q:
    """Issues a chain should be watching whose chain has been silent too long."""
    cutoff = now - timedelta(seconds=settings.NEWSLETTER_WATCH_STALL_SECONDS)
    due = Q(status=Issue.Status.SENDING) | Q(status=Issue.Status.SCHEDULED, scheduled_at__lt=cutoff)
    silent = Q(watched_at__isnull=True) | Q(watched_at__lt=cutoff)
    return due & silent


def rewatch_stalled_sends() -> list[int]:
    """The sweep: a new watch chain for each issue whose chain fell silent; their ids.

    Each takeover is a conditional update of the token it read, so of two sweeps (or a sweep
    and a late link) only one moves the chain; the loser changes nothing.
    """
    now = timezone.now()
    rewatched = []
    for issue_id, token in Issue.objects.filter(_stalled(now)).values_list("pk", "watch_token"):
        new_token = secrets.token_hex(16)
        with transaction.atomic():
            taken_over = Issue.objects.filter(_stalled(now), pk=issue_id, watch_token=token).update(
                watch_token=new_token, watched_at=now
            )
            if taken_over:
                _enqueue_link_on_commit(issue_id, new_token, now)
                rewatched.append(issue_id)
    if rewatched:
        logger.warning("Watch chains lost and restarted for issues %s", rewatched)
    return rewatched


def schedule_sweep(*, replacing: str = "") -> None:
    """Keep one sweep task queued while any issue is scheduled or sending.

    A marker in the cache names the queued sweep and outlives its due time by the stall
    bound: while it stands nobody queues another; once it lapses (the sweep was lost) the
    next watch link queues a new one. A sweep re-queues itself (`replacing` its own marker)
    only if the marker is still its own, so a surplus chain dies out.
    """
    from .tasks import rewatch_stalled_sends_task

    marker = cache.get(SWEEP_SCHEDULED_KEY)
    if marker is not None and marker != replacing:
        return
    now = timezone.now()
    stall = timedelta(seconds=settings.NEWSLETTER_WATCH_STALL_SECONDS)
    if Issue.objects.filter(status=Issue.Status.SENDING).exists():
        run_after = now + stall
    else:
        first = Issue.objects.filter(status=Issue.Status.SCHEDULED).aggregate(
            at=Min("scheduled_at")
        )["at"]
        if first is None:
            cache.delete(SWEEP_SCHEDULED_KEY)
            return
        run_after = max(now, first) + stall
    if marker is not None:
        cache.delete(SWEEP_SCHEDULED_KEY)
    token = secrets.token_hex(8)
    lifetime = (run_after - now + stall).total_seconds()
    if cache.add(SWEEP_SCHEDULED_KEY, token, timeout=lifetime):
        outbox.enqueue_on_commit(rewatch_stalled_sends_task, token, run_after=run_after)


@transaction.atomic
def resume_issue(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Restart the watch chain and a pump (e.g. after every worker was lost at once)."""
    locked = _locked(issue)
    if locked.status != Issue.Status.SENDING:
        raise IssueStateError("Only an issue that is sending can be resumed.")
    _start_watch_chain(locked, run_after=timezone.now())
    _start_pumps(locked)
    locked.save(update_fields=["watch_token", "watched_at"])
    return locked


@transaction.atomic
def resolve_uncertain(*, issue: NewsletterIssue, resend: bool, delivery_ids=None, by=None) -> int:
    """An editor's choice for recipients whose message was in flight at a crash.

    Resend puts them back in the queue (they may get the issue twice: that is the choice
    being made); skip closes them. Returns how many rows were settled.
    """
    locked = _locked(issue)
    rows = Delivery.objects.filter(issue=locked, status=Delivery.Status.UNCERTAIN)
    if delivery_ids is not None:
        rows = rows.filter(pk__in=list(delivery_ids))
    who = f" by {by.get_username()}" if by is not None else ""
    if not resend:
        settled = rows.update(
            status=Delivery.Status.SKIPPED, error=f"Not resent{who} after an uncertain send."
        )
        sending.refresh_counts(locked)
        return settled
    settled = rows.update(
        status=Delivery.Status.PENDING,
        claimed_by="",
        claimed_at=None,
        next_attempt_at=None,
        error=f"Resent{who} after an uncertain send.",
    )
    if settled:
        locked.status = Issue.Status.SENDING
        _start_watch_chain(locked, run_after=timezone.now() + _watch_interval())
        _start_pumps(locked)
        locked.save(update_fields=["status", "watch_token", "watched_at"])
    sending.refresh_counts(locked)
    return settled
