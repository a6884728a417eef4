"""An import cannot undo an unsubscribe committed between its read and its write.

Two real PostgreSQL connections: the import runs in a thread and is held right after it read
the batch's subscribers (the writer's `_lookup`), the reader unsubscribes on the test's own
connection and commits, then the import goes on. Events, not sleeps, order the two.

(On SQLite every batch runs in a BEGIN IMMEDIATE transaction, so no other writer can commit
between its read and its write: this interleaving cannot happen there.)
"""

import io
import threading

import pytest
from django.db import connection

from subscriptions import services
from subscriptions.import_batches import (
    SKIP_LEFT,
    SKIP_LEFT_NEWSLETTER,
    BatchWriter,
)
from subscriptions.import_postgres import PostgresBatchWriter
from subscriptions.models import ConsentEvent, Subscriber, Subscription
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, active_subscriber

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CSV = "email,consent_date\nmila@example.org,2025-03-01\n"
WAIT = 30  # seconds; only reached if the import never gets to its read


def import_held_after_its_read(monkeypatch, newsletter, while_held):
    """Run the import in a thread; call `while_held()` here once it has read, then let go."""
    writer_class = PostgresBatchWriter if connection.vendor == "postgresql" else BatchWriter
    original_lookup = writer_class._lookup
    has_read, go_on = threading.Event(), threading.Event()

    def lookup_then_wait(self, batch, hashes):
        found = original_lookup(self, batch, hashes)
        if not has_read.is_set():  # hold the first read only; a redo goes straight through
            has_read.set()
            assert go_on.wait(WAIT), "the test never let the import go on"
        return found

    monkeypatch.setattr(writer_class, "_lookup", lookup_then_wait)
    outcome = {}

    def run_import():
        try:
            outcome["report"] = services.import_subscribers(
                rows_or_file=io.BytesIO(CSV.encode()), newsletter=newsletter
            )
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = error
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert has_read.wait(WAIT), "the import never read its batch"
        while_held()
    finally:
        go_on.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["report"]


def test_a_pending_reader_who_unsubscribes_meanwhile_stays_out(monkeypatch, newsletter):
    # Signed up, never confirmed; the file says they consented, so the import would activate.
    reader = SubscriberFactory(email="mila@example.org", status="pending", confirmed_at=None)
    SubscriptionFactory(subscriber=reader, newsletter=newsletter, status="pending")

    report = import_held_after_its_read(
        monkeypatch,
        newsletter,
        lambda: services.unsubscribe(subscriber=reader, newsletter=newsletter),
    )

    subscription = Subscription.objects.get(subscriber=reader, newsletter=newsletter)
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.PENDING
    assert not services.active_recipients(newsletter).exists()
    assert list(reader.events.values_list("kind", flat=True)) == [ConsentEvent.Kind.UNSUBSCRIBE]
    assert (report.updated, report.skip_reason_list) == (0, [(SKIP_LEFT_NEWSLETTER, 1)])


def test_a_reader_who_leaves_everything_meanwhile_is_not_added_to_another_list(
    monkeypatch, newsletter, weekly
):
    reader = active_subscriber(weekly, email="mila@example.org")

    report = import_held_after_its_read(
        monkeypatch, newsletter, lambda: services.unsubscribe(subscriber=reader)
    )

    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert not reader.subscriptions.filter(status=Subscription.Status.ACTIVE).exists()
    assert not reader.subscriptions.filter(newsletter=newsletter).exists()
    assert list(reader.events.values_list("kind", flat=True)) == [ConsentEvent.Kind.UNSUBSCRIBE]
    assert (report.updated, report.skip_reason_list) == (0, [(SKIP_LEFT, 1)])


def test_an_unsubscribe_after_the_import_wrote_still_wins(newsletter):
    """The other order, for completeness: the reader's later click is never lost either."""
    reader = SubscriberFactory(email="mila@example.org", status="pending", confirmed_at=None)
    SubscriptionFactory(subscriber=reader, newsletter=newsletter, status="pending")
    services.import_subscribers(rows_or_file=io.BytesIO(CSV.encode()), newsletter=newsletter)
    assert services.active_recipients(newsletter).filter(pk=reader.pk).exists()

    services.unsubscribe(subscriber=reader, newsletter=newsletter)

    assert not services.active_recipients(newsletter).exists()
