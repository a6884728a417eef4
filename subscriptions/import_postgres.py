"""The import's batch writer for PostgreSQL: set-based, through a temporary table.

Each batch is COPYed into a session-local temporary table, matched against subscribers and
the suppression list by joins (no parameter lists to build), and the new people are inserted
with their subscriptions and history rows by one INSERT ... SELECT statement. Python touches
each row once, to COPY it; the rules themselves stay in BatchWriter._apply, shared with
every other database.
"""

from django.db import connection

from .import_batches import BatchWriter, Row, _db_datetime
from .models import ConsentEvent, Subscriber, Subscription, Suppression

TEMP_TABLE = "subscriptions_import_rows"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class PostgresBatchWriter(BatchWriter):
    def _load(self, batch: dict[str, Row], hashes: dict[str, str]) -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            # ON COMMIT DELETE ROWS: each batch runs in its own transaction and starts empty.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {TEMP_TABLE} ("
                " email text PRIMARY KEY, email_hash text, first_name text,"
                " consent_at timestamptz, consent_text text, line integer,"
                " is_new boolean NOT NULL DEFAULT true"
                ") ON COMMIT DELETE ROWS"
            )
            # Empty it anyway: inside an outer transaction (a test, a caller's atomic block)
            # the previous batch's rows are still there.
            cursor.execute(f"TRUNCATE {TEMP_TABLE}")
            columns = "email, email_hash, first_name, consent_at, consent_text, line"
            with cursor.cursor.copy(f"COPY {TEMP_TABLE} ({columns}) FROM STDIN") as copy:
                for address, row in batch.items():
                    copy.write_row(
                        (
                            address,
                            hashes[address],
                            row.first_name,
                            row.consent_at,
                            self._consent_text(row),
                            row.line,
                        )
                    )
            cursor.execute(f"ANALYZE {TEMP_TABLE}")

    def _lookup(self, batch, hashes):
        self._load(batch, hashes)
        subscribers, subscriptions = _table(Subscriber), _table(Subscription)
        suppressions = _table(Suppression)
        with connection.cursor() as cursor:
            # LATERAL ... LIMIT 1: one index probe per row of the batch. As a plain join the
            # planner, whose statistics lag behind a table that grows by a million rows in
            # minutes, picks sequential scans and every batch reads the whole table.
            cursor.execute(
                f"SELECT t.email, t.email_hash, s.id, s.status, s.first_name, sub.id,"
                f" sub.status, p.id IS NOT NULL"
                f" FROM {TEMP_TABLE} t"
                f" LEFT JOIN LATERAL (SELECT id, status, first_name FROM {subscribers}"
                f"  WHERE lower(email) = t.email LIMIT 1) s ON true"
                f" LEFT JOIN LATERAL (SELECT id, status FROM {subscriptions}"
                f"  WHERE subscriber_id = s.id AND newsletter_id = %s LIMIT 1) sub ON true"
                f" LEFT JOIN LATERAL (SELECT id FROM {suppressions}"
                f"  WHERE email_hash = t.email_hash LIMIT 1) p ON true"
                f" WHERE s.id IS NOT NULL OR p.id IS NOT NULL",
                [self.newsletter.pk],
            )
            matched = cursor.fetchall()
            if matched:
                cursor.execute(
                    f"UPDATE {TEMP_TABLE} SET is_new = false WHERE email = ANY(%s)",
                    [[row[0] for row in matched]],
                )
        suppressed, known, found_subscriptions = set(), {}, {}
        for email, address_hash, pk, status, first_name, sub_pk, sub_status, hit in matched:
            if hit:
                suppressed.add(address_hash)
            if pk is not None:
                known[email] = (pk, status, first_name)
                if sub_pk is not None:
                    found_subscriptions[pk] = (sub_pk, sub_status)
        return suppressed, known, found_subscriptions

    def _insert_new_people(self, hashes, new_people, joined, events, now):
        """Everyone still marked new in the temporary table: the same set as `new_people`
        (a signup racing us makes the INSERT fail on the unique index, and the batch is
        redone)."""
        if not new_people:
            return
        db_now = _db_datetime(now)
        subscribers, subscriptions = _table(Subscriber), _table(Subscription)
        events_table = _table(ConsentEvent)
        status = "CASE WHEN consent_at IS NULL THEN %(pending)s ELSE %(active)s END"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH new AS ("
                f" INSERT INTO {subscribers} (email, email_hash, first_name, status, source,"
                f"  created_at, confirmed_at, consent_text, consent_at)"
                f" SELECT email, email_hash, first_name, {status}, %(source)s, %(now)s,"
                f"  consent_at, consent_text, consent_at"
                f" FROM {TEMP_TABLE} WHERE is_new ORDER BY line"
                f" RETURNING id, email, consent_at"
                f"), joined AS ("
                f" INSERT INTO {subscriptions} (subscriber_id, newsletter_id, status,"
                f"  subscribed_at, created_at)"
                f" SELECT id, %(newsletter)s, {status},"
                f"  CASE WHEN consent_at IS NULL THEN NULL ELSE %(now)s END, %(now)s FROM new"
                f")"
                f" INSERT INTO {events_table} (subscriber_id, newsletter_id, kind, method,"
                f"  actor_id, detail, created_at)"
                f" SELECT new.id, %(newsletter)s, %(kind)s, %(method)s, %(actor)s,"
                f"  %(source_name)s || ', line ' || t.line || ': new subscriber', %(now)s"
                f" FROM new JOIN {TEMP_TABLE} t ON t.email = new.email",
                {
                    "pending": Subscriber.Status.PENDING,
                    "active": Subscriber.Status.ACTIVE,
                    "source": Subscriber.Source.IMPORT,
                    "now": db_now,
                    "newsletter": self.newsletter.pk,
                    "kind": ConsentEvent.Kind.IMPORT,
                    "method": "CSV import",
                    "actor": self.actor_id,
                    "source_name": self.source_name,
                },
            )
