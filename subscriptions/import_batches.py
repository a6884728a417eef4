"""One batch of an import: decide each row against the database, then write in bulk.

Per batch: three indexed reads (suppression hashes, known addresses, their subscriptions to
this newsletter), one multi-row insert per table, one read of the new ids, and updates only
for the rare rows that change. On PostgreSQL the inserts use COPY, several times faster than
INSERT for this volume; elsewhere executemany. Rows are plain tuples, not model instances:
at a million rows the ORM's per-object cost is most of the run time.

Nothing a reader did between the batch's read and its write is undone. The reads take no
locks (a re-import of a big list would otherwise write a lock to every row it merely finds);
instead, just before writing, the batch locks the subscriber rows it is about to change
(SELECT ... FOR UPDATE, in id order) and checks that they, and their subscription to this
newsletter, are still as read. Every workflow that changes a subscription locks its
subscriber row first (subscriptions.services), so once locked they stay put until the batch
commits. If one changed (say the reader unsubscribed a moment ago), the batch rolls back and
is redone, this time locking every known subscriber of the batch before reading, so the redo
decides on what is committed. On SQLite each batch is a BEGIN IMMEDIATE transaction: no other
writer can commit between its read and its write in the first place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import ConsentEvent, Subscriber, Subscription, Suppression, email_hash, normalize_email

SKIP_SUPPRESSED = "on the suppression list (bounced, complained or erased)"
SKIP_LEFT = "unsubscribed, bounced or complained earlier: not reactivated"
SKIP_LEFT_NEWSLETTER = "unsubscribed from this newsletter earlier: not reactivated"
SKIP_UNCHANGED = "already on the list, nothing to change"
ATTEMPTS = 3  # per batch: a first try, and redos after a race with a signup or a reader
_BLOCKED = {
    Subscriber.Status.UNSUBSCRIBED,
    Subscriber.Status.BOUNCED,
    Subscriber.Status.COMPLAINED,
    Subscriber.Status.ERASED,
}


@dataclass
class Row:
    line: int
    first_name: str
    consent_at: datetime | None
    consent_note: str = ""  # why a consent date in the file was not used


class ChangedMeanwhile(Exception):
    """A subscriber this batch was about to change was changed by someone else first."""

    def __init__(self):
        super().__init__(
            "Subscribers in this batch changed while it was being imported (a signup or an "
            "unsubscribe at the same moment). Nothing from this batch was saved; run the "
            "import again: rows already imported are recognised and left as they are."
        )


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain value tuples into `model`'s table: COPY on PostgreSQL, else executemany.

    Values must already be database-ready (see `_db_datetime`).
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


def _db_datetime(value):
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


class BatchWriter:
    def __init__(self, report, newsletter, actor, source_name: str):
        self.report = report
        self.newsletter = newsletter
        self.actor_id = actor.pk if actor is not None else None
        self.source_name = source_name

    def write(self, batch: dict[str, Row], *, dry_run: bool) -> None:
        if dry_run:
            # In a transaction like a real batch (the PostgreSQL writer's work table lives
            # for one transaction), but nothing is written.
            with transaction.atomic():
                self._apply(batch, dry_run=True)
            return
        for attempt in range(1, ATTEMPTS + 1):
            try:
                # A redo locks every known subscriber of the batch before it reads.
                self._apply_atomically(batch, lock_first=attempt > 1)
                return
            except (IntegrityError, ChangedMeanwhile):
                # A reader signed up with one of these addresses, or changed a row we were
                # about to change, between our read and our write; the batch rolled back as
                # a whole, so read again and redo it.
                if attempt == ATTEMPTS:
                    raise

    def _apply_atomically(self, batch, *, lock_first: bool):
        report = self.report
        before = (report.added, report.updated, report.skipped, report.active, report.pending)
        skip_before = report.skip_reasons.copy()
        try:
            with transaction.atomic():
                if lock_first:
                    self._lock(Subscriber.objects.with_emails(batch))
                self._apply(batch, dry_run=False)
        except (IntegrityError, ChangedMeanwhile):
            report.added, report.updated, report.skipped, report.active, report.pending = before
            report.skip_reasons = skip_before
            raise

    @staticmethod
    def _lock(subscribers) -> dict[int, str]:
        """Lock these subscriber rows until commit, in id order (so two batches cannot
        deadlock); their current status by id."""
        return dict(subscribers.order_by("pk").select_for_update().values_list("pk", "status"))

    def _check_unchanged(self, as_read: dict[int, tuple[str, str | None]]) -> None:
        """Lock the existing subscribers about to change; raise ChangedMeanwhile unless each,
        and its subscription to this newsletter, is still as read: {id: (status,
        subscription status or None)}."""
        if not as_read:
            return
        statuses = self._lock(Subscriber.objects.filter(pk__in=list(as_read)))
        subscriptions = dict(
            Subscription.objects.filter(
                newsletter=self.newsletter, subscriber_id__in=list(as_read)
            ).values_list("subscriber_id", "status")
        )
        for subscriber_id, (status, subscription_status) in as_read.items():
            now = (statuses.get(subscriber_id), subscriptions.get(subscriber_id))
            if now != (status, subscription_status):
                raise ChangedMeanwhile

    def _consent_text(self, row: Row) -> str:
        if row.consent_at is not None:
            consented = timezone.localtime(row.consent_at)
            return f"Imported from {self.source_name}: consented on {consented:%Y-%m-%d}."
        if row.consent_note:
            return (
                f"Imported from {self.source_name}: {row.consent_note}, so pending until confirmed."
            )
        return f"Imported from {self.source_name} without a consent date: needs confirming."

    def _lookup(self, batch: dict[str, Row], hashes: dict[str, str]):
        """(suppressed hashes, {address: (id, status, first_name)}, {subscriber id:
        (subscription id, status)} for this newsletter), for the addresses in the batch."""
        suppressed = set(
            Suppression.objects.filter(email_hash__in=hashes.values()).values_list(
                "email_hash", flat=True
            )
        )
        known = {
            normalize_email(email): (pk, status, first_name)
            for email, pk, status, first_name in Subscriber.objects.with_emails(batch).values_list(
                "email", "pk", "status", "first_name"
            )
        }
        subscriptions = {
            subscriber_id: (pk, status)
            for subscriber_id, pk, status in Subscription.objects.filter(
                newsletter=self.newsletter, subscriber_id__in=[v[0] for v in known.values()]
            ).values_list("subscriber_id", "pk", "status")
        }
        return suppressed, known, subscriptions

    def _apply(self, batch: dict[str, Row], *, dry_run: bool) -> None:
        report = self.report
        hashes = {address: email_hash(address) for address in batch}
        suppressed, known, subscriptions = self._lookup(batch, hashes)
        new_people: list[tuple[str, Row]] = []
        joined: list[tuple[int, bool]] = []  # existing subscriber, consented?
        activate_subscription_ids: list[int] = []
        confirmed: list[tuple[int, Row]] = []
        renamed: list[tuple[int, str]] = []
        events: list[tuple[int, Row, str]] = []
        as_read: dict[int, tuple[str, str | None]] = {}  # existing people about to change

        for address, row in batch.items():
            consented = row.consent_at is not None
            if hashes[address] in suppressed:
                report._skip(SKIP_SUPPRESSED)
                continue
            existing = known.get(address)
            if existing is None:
                new_people.append((address, row))
                report.added += 1
                report.active += consented
                report.pending += not consented
                continue
            subscriber_id, status, first_name = existing
            if status in _BLOCKED:
                report._skip(SKIP_LEFT)
                continue
            subscription = subscriptions.get(subscriber_id)
            if subscription is not None and subscription[1] == Subscription.Status.UNSUBSCRIBED:
                report._skip(SKIP_LEFT_NEWSLETTER)
                continue
            changes = []
            if subscription is None:
                joined.append((subscriber_id, consented))
                changes.append("joined this newsletter" + (" (consented)" if consented else ""))
            elif subscription[1] == Subscription.Status.PENDING and consented:
                activate_subscription_ids.append(subscription[0])
                changes.append("consent on file: now active")
            if consented and status == Subscriber.Status.PENDING:
                confirmed.append((subscriber_id, row))
                changes.append("consent on file: confirmed")
            if row.first_name and not first_name:
                renamed.append((subscriber_id, row.first_name))
                changes.append("first name added")
            if not changes:
                report._skip(SKIP_UNCHANGED)
                continue
            report.updated += 1
            events.append((subscriber_id, row, "; ".join(changes)))
            as_read[subscriber_id] = (status, subscription[1] if subscription else None)

        if not dry_run:
            self._check_unchanged(as_read)
            self._write(
                hashes, new_people, joined, activate_subscription_ids, confirmed, renamed, events
            )

    def _write(self, hashes, new_people, joined, activate_ids, confirmed, renamed, events):
        now = timezone.now()
        self._insert_new_people(hashes, new_people, joined, events, now)
        self._write_changes(joined, activate_ids, confirmed, renamed, events, now)

    def _insert_new_people(self, hashes, new_people, joined, events, now):
        """Insert the new subscribers; queue their subscription and history rows."""
        db_now = _db_datetime(now)
        pending, active = Subscriber.Status.PENDING, Subscriber.Status.ACTIVE
        insert_rows(
            Subscriber,
            [
                "email",
                "email_hash",
                "first_name",
                "status",
                "source",
                "created_at",
                "confirmed_at",
                "consent_text",
                "consent_at",
            ],
            [
                (
                    address,
                    hashes[address],
                    row.first_name,
                    active if row.consent_at else pending,
                    Subscriber.Source.IMPORT,
                    db_now,
                    _db_datetime(row.consent_at),
                    self._consent_text(row),
                    _db_datetime(row.consent_at),
                )
                for address, row in new_people
            ],
        )
        new_ids = dict(
            Subscriber.objects.with_emails([a for a, _ in new_people]).values_list("email", "pk")
        )
        for address, row in new_people:
            subscriber_id = new_ids[address]
            joined.append((subscriber_id, row.consent_at is not None))
            events.append((subscriber_id, row, "new subscriber"))

    def _write_changes(self, joined, activate_ids, confirmed, renamed, events, now):
        db_now = _db_datetime(now)
        insert_rows(
            Subscription,
            ["subscriber_id", "newsletter_id", "status", "subscribed_at", "created_at"],
            [
                (
                    subscriber_id,
                    self.newsletter.pk,
                    Subscription.Status.ACTIVE if consented else Subscription.Status.PENDING,
                    db_now if consented else None,
                    db_now,
                )
                for subscriber_id, consented in joined
            ],
        )
        if activate_ids:
            Subscription.objects.filter(pk__in=activate_ids).update(
                status=Subscription.Status.ACTIVE, subscribed_at=now
            )
        Subscriber.objects.bulk_update(
            [
                Subscriber(
                    pk=subscriber_id,
                    status=Subscriber.Status.ACTIVE,
                    confirmed_at=row.consent_at,
                    consent_at=row.consent_at,
                    consent_text=self._consent_text(row),
                )
                for subscriber_id, row in confirmed
            ],
            ["status", "confirmed_at", "consent_at", "consent_text"],
            batch_size=500,
        )
        Subscriber.objects.bulk_update(
            [Subscriber(pk=pk, first_name=name) for pk, name in renamed],
            ["first_name"],
            batch_size=500,
        )
        insert_rows(
            ConsentEvent,
            [
                "subscriber_id",
                "newsletter_id",
                "kind",
                "method",
                "actor_id",
                "detail",
                "created_at",
            ],
            [
                (
                    subscriber_id,
                    self.newsletter.pk,
                    ConsentEvent.Kind.IMPORT,
                    "CSV import",
                    self.actor_id,
                    f"{self.source_name}, line {row.line}: {detail}",
                    db_now,
                )
                for subscriber_id, row, detail in events
            ],
        )
