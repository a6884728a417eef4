"""The send pipeline: snapshot, batches, skips, failures, retries, crashes, editor choices."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from newsletters import sending, services
from newsletters.models import Delivery, NewsletterIssue
from subscriptions.models import Subscriber, Subscription, Suppression, email_hash
from subscriptions.services import unsubscribe
from tests.newsletters import backends
from tests.newsletters.factories import audience
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.fixture
def misbehaving(settings):
    settings.EMAIL_BACKEND = "tests.newsletters.backends.MisbehavingBackend"
    backends.REFUSE.clear()
    backends.OPEN_ERROR.clear()
    backends.OPENED.clear()
    yield backends
    backends.REFUSE.clear()
    backends.OPEN_ERROR.clear()
    backends.OPENED.clear()


def start(issue):
    """Snapshot; the tasks it queues wait for a commit the test never makes, so the tests
    drive the pump themselves."""
    return services.send_issue(issue)


def recipients_in_outbox():
    return sorted(address for message in mail.outbox for address in message.to)


def test_snapshot_takes_only_active_unsuppressed_subscribers(issue, newsletter):
    readers = audience(newsletter, 3)
    SubscriptionFactory(
        newsletter=newsletter,
        subscriber=SubscriberFactory(email="pending@example.org", status="pending"),
        status=Subscription.Status.PENDING,
    )
    SubscriptionFactory(newsletter=newsletter, status=Subscription.Status.UNSUBSCRIBED)
    SubscriptionFactory(subscriber=SubscriberFactory(email="other-list@example.org"))
    bounced = audience(newsletter, 1, start=50)[0]
    Suppression.objects.create(email_hash=email_hash(bounced.email), reason="bounced")

    issue = start(issue)

    assert issue.status == NewsletterIssue.Status.SENDING
    assert issue.started_at is not None
    assert issue.recipient_count == 3
    assert set(Delivery.objects.filter(issue=issue).values_list("subscriber_id", flat=True)) == {
        reader.pk for reader in readers
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_send_issue_enqueues_a_pump_and_the_watch_chain(
    issue, newsletter, django_capture_on_commit_callbacks
):
    audience(newsletter, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_issue(issue)
    tasks = {task.task_path: task for task in DBTaskResult.objects.all()}
    assert set(tasks) == {
        "newsletters.tasks.deliver_issue",
        "newsletters.tasks.watch_issue",
        "newsletters.tasks.rewatch_stalled_sends_task",  # restarts the chain if it is lost
    }
    issue.refresh_from_db()
    assert tasks["newsletters.tasks.watch_issue"].args_kwargs["args"] == [
        issue.pk,
        issue.watch_token,
    ]
    assert tasks["newsletters.tasks.watch_issue"].run_after > timezone.now()


def test_an_issue_cannot_start_twice(issue, newsletter):
    audience(newsletter, 1)
    start(issue)
    with pytest.raises(services.IssueStateError):
        start(issue)
    assert Delivery.objects.count() == 1


def test_pump_sends_everyone_once_in_batches(issue, newsletter, settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    readers = audience(newsletter, 7)
    start(issue)
    batches = []

    totals = sending.run_pump(issue.pk, after_batch=batches.append)

    assert [batch.claimed for batch in batches] == [3, 3, 1]
    assert totals.sent == 7
    assert recipients_in_outbox() == sorted(reader.email for reader in readers)
    rows = list(Delivery.objects.filter(issue=issue))
    assert {row.status for row in rows} == {Status.SENT}
    assert all(row.message_id.startswith("<") and row.sent_at for row in rows)
    assert len({row.message_id for row in rows}) == 7
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert (issue.sent_count, issue.failed_count, issue.uncertain_count) == (7, 0, 0)
    assert issue.sent_at is not None and issue.watch_token == ""


def test_reader_who_leaves_mid_send_is_skipped_from_the_next_batch(issue, newsletter, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    readers = audience(newsletter, 6)
    leaver = readers[4]
    start(issue)

    def leave_after_first_batch(outcome):
        if not Subscription.objects.filter(
            subscriber=leaver, status=Subscription.Status.UNSUBSCRIBED
        ).exists():
            unsubscribe(subscriber=leaver, newsletter=newsletter, method="one-click")

    totals = sending.run_pump(issue.pk, after_batch=leave_after_first_batch)

    assert totals.sent == 5 and totals.skipped == 1
    assert leaver.email not in recipients_in_outbox()
    assert Delivery.objects.get(subscriber=leaver).status == Status.SKIPPED
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT and issue.skipped_count == 1


def test_suppressed_after_the_snapshot_is_skipped(issue, newsletter):
    readers = audience(newsletter, 2)
    start(issue)
    Suppression.objects.create(email_hash=email_hash(readers[0].email), reason="complained")

    sending.run_pump(issue.pk)

    assert recipients_in_outbox() == [readers[1].email]


def test_transient_refusals_retry_with_backoff_up_to_the_limit(issue, newsletter, misbehaving):
    readers = audience(newsletter, 2)
    flaky = readers[0].email
    misbehaving.REFUSE[flaky] = misbehaving.transient_refusal(flaky)
    start(issue)
    row = Delivery.objects.get(subscriber=readers[0])
    waits = []

    with freeze_time(timezone.now()) as clock:
        for _ in range(4):
            sending.run_pump(issue.pk)
            row.refresh_from_db()
            if row.next_attempt_at:
                waits.append(round((row.next_attempt_at - timezone.now()).total_seconds()))
                # Nothing is ready before the back-off has passed.
                assert sending.run_pump(issue.pk).claimed == 0
                clock.move_to(row.next_attempt_at + timedelta(seconds=1))

    assert waits == [60, 120, 240]
    assert row.status == Status.FAILED and row.attempts == 4 and row.next_attempt_at is None
    assert "451" in row.error and "Mailbox busy" in row.error
    assert recipients_in_outbox() == [readers[1].email]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert (issue.sent_count, issue.failed_count) == (1, 1)


def test_a_refusal_that_clears_up_is_sent_on_retry(issue, newsletter, misbehaving):
    reader = audience(newsletter, 1)[0]
    misbehaving.REFUSE[reader.email] = misbehaving.transient_refusal(reader.email)
    start(issue)
    sending.run_pump(issue.pk)
    misbehaving.REFUSE.clear()
    with freeze_time(timezone.now() + timedelta(seconds=61)):
        sending.run_pump(issue.pk)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.error) == (Status.SENT, 2, "")
    assert recipients_in_outbox() == [reader.email]


def test_permanent_refusal_is_not_retried(issue, newsletter, smtp_server):
    readers = audience(newsletter, 3)
    smtp_server.reject.add(readers[1].email)
    start(issue)

    sending.run_pump(issue.pk)

    row = Delivery.objects.get(subscriber=readers[1])
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.FAILED, 1, None)
    assert "550" in row.error
    received = sorted(str(message["To"]) for message in smtp_server.messages)
    assert received == sorted([readers[0].email, readers[2].email])
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


def test_one_smtp_connection_per_batch(issue, newsletter, misbehaving, settings):
    settings.NEWSLETTER_BATCH_SIZE = 4
    audience(newsletter, 10)
    start(issue)
    sending.run_pump(issue.pk)
    assert len(mail.outbox) == 10
    assert len(misbehaving.OPENED) == 3


def test_unreachable_server_counts_an_attempt_for_the_whole_batch(issue, newsletter, misbehaving):
    audience(newsletter, 3)
    misbehaving.OPEN_ERROR.append(ConnectionRefusedError(111, "Connection refused"))
    start(issue)

    sending.run_pump(issue.pk)

    rows = list(Delivery.objects.all())
    assert {(row.status, row.attempts) for row in rows} == {(Status.FAILED, 1)}
    assert all(row.next_attempt_at and "Connection refused" in row.error for row in rows)
    assert mail.outbox == []


def test_dropped_connection_makes_that_row_uncertain_and_releases_the_rest(
    issue, newsletter, misbehaving, settings
):
    settings.NEWSLETTER_BATCH_SIZE = 10
    readers = audience(newsletter, 5)
    misbehaving.REFUSE[readers[1].email] = misbehaving.dropped_connection()
    start(issue)
    batches = []

    sending.run_pump(issue.pk, after_batch=batches.append)

    assert batches[0].sent == 1 and batches[0].uncertain == 1 and batches[0].released == 3
    row = Delivery.objects.get(subscriber=readers[1])
    assert row.status == Status.UNCERTAIN and "Connection unexpectedly closed" in row.error
    assert recipients_in_outbox() == sorted(r.email for r in readers if r != readers[1])
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT and issue.uncertain_count == 1


def _crashed_worker_rows(issue, readers, *, age):
    """The state a SIGKILLed worker leaves: one row in flight, the rest of its batch claimed."""
    claimed_at = timezone.now() - timedelta(seconds=age)
    Delivery.objects.filter(issue=issue, subscriber=readers[0]).update(
        status=Status.SENT, claimed_by="dead:1:a", claimed_at=claimed_at, attempts=1
    )
    Delivery.objects.filter(issue=issue, subscriber=readers[1]).update(
        status=Status.SENDING, claimed_by="dead:1:a", claimed_at=claimed_at
    )
    Delivery.objects.filter(issue=issue, subscriber__in=readers[2:4]).update(
        claimed_by="dead:1:a", claimed_at=claimed_at
    )


def test_after_a_crash_in_flight_rows_become_uncertain_and_are_not_resent(issue, newsletter):
    readers = audience(newsletter, 6)
    start(issue)
    _crashed_worker_rows(issue, readers, age=301)

    sending.run_pump(issue.pk)

    in_flight = Delivery.objects.get(subscriber=readers[1])
    assert in_flight.status == Status.UNCERTAIN and in_flight.claimed_by == "dead:1:a"
    assert recipients_in_outbox() == sorted(r.email for r in readers[2:])
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert (issue.sent_count, issue.uncertain_count) == (5, 1)


def test_a_live_workers_claims_are_left_alone(issue, newsletter):
    readers = audience(newsletter, 6)
    start(issue)
    _crashed_worker_rows(issue, readers, age=10)

    sending.run_pump(issue.pk)

    assert recipients_in_outbox() == sorted(r.email for r in readers[4:])
    assert Delivery.objects.get(subscriber=readers[1]).status == Status.SENDING
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING


def test_editor_resends_or_skips_uncertain_recipients(
    issue, newsletter, admin_user, django_capture_on_commit_callbacks
):
    readers = audience(newsletter, 4)
    start(issue)
    Delivery.objects.filter(subscriber__in=readers[:3]).update(
        status=Status.UNCERTAIN, claimed_by="dead:1:a", error=sending.UNCERTAIN_MESSAGE
    )
    sending.run_pump(issue.pk)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT and issue.uncertain_count == 3
    resend_row, skip_row, _ = Delivery.objects.filter(subscriber__in=readers[:3]).order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        resent = services.resolve_uncertain(
            issue=issue, resend=True, delivery_ids=[resend_row.pk], by=admin_user
        )
    skipped = services.resolve_uncertain(
        issue=issue, resend=False, delivery_ids=[skip_row.pk], by=admin_user
    )
    assert (resent, skipped) == (1, 1)
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENDING
    assert DBTaskResult.objects.filter(task_path="newsletters.tasks.deliver_issue").exists()

    mail.outbox.clear()
    sending.run_pump(issue.pk)

    assert recipients_in_outbox() == [resend_row.subscriber.email]
    skip_row.refresh_from_db()
    assert skip_row.status == Status.SKIPPED and "admin" in skip_row.error
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert (issue.sent_count, issue.skipped_count, issue.uncertain_count) == (2, 1, 1)


def test_claims_are_disjoint(issue, newsletter, settings):
    audience(newsletter, 5)
    start(issue)
    first = sending.claim_batch(issue.pk, token="a", size=3)
    second = sending.claim_batch(issue.pk, token="b", size=3)
    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)
    assert sending.claim_batch(issue.pk, token="c", size=3) == []


def test_progress_counts(issue, newsletter):
    readers = audience(newsletter, 5)
    start(issue)
    Delivery.objects.filter(subscriber=readers[0]).update(status=Status.SENT)
    Delivery.objects.filter(subscriber=readers[1]).update(status=Status.UNCERTAIN)
    Delivery.objects.filter(subscriber=readers[2]).update(
        status=Status.FAILED, next_attempt_at=timezone.now()
    )
    Delivery.objects.filter(subscriber=readers[3]).update(status=Status.FAILED)
    counts = sending.progress(issue)
    assert {k: counts[k] for k in ("total", "sent", "uncertain", "retrying", "failed")} == {
        "total": 5,
        "sent": 1,
        "uncertain": 1,
        "retrying": 1,
        "failed": 1,
    }
    assert counts["remaining"] == 2 and counts["settled"] == 3


def test_erased_subscriber_is_skipped(issue, newsletter):
    readers = audience(newsletter, 2)
    start(issue)
    Subscriber.objects.filter(pk=readers[0].pk).update(status=Subscriber.Status.ERASED, email=None)
    sending.run_pump(issue.pk)
    assert recipients_in_outbox() == [readers[1].email]
    assert Delivery.objects.get(subscriber=readers[0]).status == Status.SKIPPED


@pytest.mark.postgres
def test_a_big_snapshot_refreshes_the_planner_statistics(issue, newsletter, monkeypatch):
    from django.db import connection

    audience(newsletter, 3)
    monkeypatch.setattr(services, "ANALYZE_AFTER", 2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'newsletters_delivery'")
        (before,) = cursor.fetchone()
        start(issue)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'newsletters_delivery'")
        (after,) = cursor.fetchone()
    assert before != after and after == 3


def test_a_slow_batch_renews_its_claim(issue, newsletter):
    import time

    from newsletters.emails import render_issue

    audience(newsletter, 3)
    start(issue)
    long_ago = timezone.now() - timedelta(seconds=250)
    ids = sending.claim_batch(issue.pk, token="slow:1:a", size=3, now=long_ago)
    rows = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))
    sender = sending._Sender(token="slow:1:a", rendered=render_issue(issue), backend=None)
    sender.renewed_at = time.monotonic() - 200  # more than a third of the 300 s timeout ago

    sender.mark_sending([], rows[:1])

    fresh = timezone.now() - timedelta(seconds=5)
    assert all(r.claimed_at > fresh for r in Delivery.objects.filter(pk__in=ids))
    assert Delivery.objects.get(pk=ids[0]).status == Status.SENDING
    assert sending.recover_stale_claims(issue, now=timezone.now() + timedelta(seconds=100)) == (
        0,
        0,
    )
