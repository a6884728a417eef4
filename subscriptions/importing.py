"""CSV import of subscribers into one newsletter, in bounded memory.

The file is streamed with the csv module and handled in batches: per batch a fixed handful
of queries (suppression hashes, known addresses, their subscriptions) and bulk writes, never
a query per row. Only an 8-byte digest per address stays in memory for the whole file, to
spot duplicates within it (about 60 MB for a million rows).

Rules: an address is normalised (trimmed, lower-cased) and validated; a row is active only
if the file gives a consent date, otherwise pending (staff send confirmations separately);
an address that unsubscribed, bounced, complained, was erased or is suppressed is never
brought back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletters.models import Newsletter

from .models import ConsentEvent, Subscriber, Subscription, Suppression, email_hash, normalize_email

BATCH_SIZE = 2000
MAX_REPORTED_PROBLEMS = 1000
EMAIL_HEADERS = ("email", "e-mail", "email address", "e-mail address", "mail", "address")
NAME_HEADERS = ("first_name", "first name", "firstname", "given name", "name")
CONSENT_HEADERS = (
    "consent_date",
    "consent date",
    "consented_at",
    "consented at",
    "consent",
    "opt-in date",
    "optin_date",
    "opt_in_date",
)
SKIP_DUPLICATE = "duplicate of an earlier row in the file"
SKIP_SUPPRESSED = "on the suppression list (bounced, complained or erased)"
SKIP_LEFT = "unsubscribed, bounced or complained earlier: not reactivated"
SKIP_LEFT_NEWSLETTER = "unsubscribed from this newsletter earlier: not reactivated"
SKIP_UNCHANGED = "already on the list, nothing to change"
_validate_email = EmailValidator()
_BLOCKED = {
    Subscriber.Status.UNSUBSCRIBED,
    Subscriber.Status.BOUNCED,
    Subscriber.Status.COMPLAINED,
    Subscriber.Status.ERASED,
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which header holds what; only the email column is required."""

    email: str
    first_name: str = ""
    consent_date: str = ""


def guess_mapping(headers: Iterable[str]) -> ColumnMapping:
    by_name = {" ".join(h.strip().lower().replace("_", " ").split()): h for h in headers}

    def pick(candidates):
        for candidate in candidates:
            header = by_name.get(candidate.replace("_", " "))
            if header is not None:
                return header
        return ""

    return ColumnMapping(
        email=pick(EMAIL_HEADERS), first_name=pick(NAME_HEADERS), consent_date=pick(CONSENT_HEADERS)
    )


@dataclass
class RowProblem:
    line: int
    reason: str
    value: str = ""


@dataclass
class ImportReport:
    newsletter: Newsletter
    dry_run: bool
    mapping: ColumnMapping | None = None
    rows: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    skip_reasons: Counter = field(default_factory=Counter)
    active: int = 0
    pending: int = 0

    @property
    def skip_reason_list(self) -> list[tuple[str, int]]:
        # (A template cannot call Counter.most_common: a missing-key lookup answers 0 first.)
        return self.skip_reasons.most_common()

    @property
    def problems_not_listed(self) -> int:
        return self.invalid - len(self.problems)

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        return (
            f"{self.rows} rows: {self.added} {verb}added, {self.updated} {verb}updated, "
            f"{self.skipped} skipped, {self.invalid} invalid"
        )

    def _invalid(self, line: int, reason: str, value: str) -> None:
        self.invalid += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(RowProblem(line=line, reason=reason, value=value[:254]))

    def _skip(self, reason: str, count: int = 1) -> None:
        self.skipped += count
        self.skip_reasons[reason] += count


class ImportFileError(ValueError):
    """The file cannot be imported at all (no header, no email column)."""


@dataclass
class _Row:
    line: int
    first_name: str
    consent_at: datetime | None


class _CountingReader(io.RawIOBase):
    """Counts bytes read from a binary file, for the progress bar's percentage."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _sniff_delimiter(first_line: str) -> str:
    # Spreadsheets in much of Europe save "CSV" with semicolons.
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _open_rows(source) -> tuple[Iterator[list[str]], Callable[[], float | None], Callable]:
    """(rows, fraction-read function, close) for a path, a file object or rows of values."""
    if isinstance(source, str | Path):
        binary = open(source, "rb")  # noqa: SIM115 - closed by the returned close()
        owned = True
    elif hasattr(source, "read"):
        binary, owned = source, False
    else:
        rows = iter(source)
        return ([str(v) for v in row] for row in rows), lambda: None, lambda: None

    if hasattr(binary, "seek"):
        binary.seek(0)
    probe = binary.read(0)
    if isinstance(probe, str):
        text, counter, total = binary, None, None
    else:
        try:
            total = os.fstat(binary.fileno()).st_size
        except (AttributeError, OSError, io.UnsupportedOperation):
            total = getattr(binary, "size", None)
        counter = _CountingReader(binary)
        text = io.TextIOWrapper(
            io.BufferedReader(counter, 1 << 16), encoding="utf-8-sig", errors="replace", newline=""
        )
    first_line = text.readline()
    reader = csv.reader(itertools.chain([first_line], text), delimiter=_sniff_delimiter(first_line))

    def fraction():
        return min(1.0, counter.count / total) if counter is not None and total else None

    def close():
        if not owned and counter is not None:
            text.detach()  # leave the caller's file open
        if owned:
            binary.close()

    return reader, fraction, close


def read_header(source) -> list[str]:
    """The header row of a CSV file (for the admin's column-mapping step)."""
    rows, _, close = _open_rows(source)
    try:
        return [h.strip() for h in next(rows, [])]
    finally:
        close()


def _parse_consent(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        try:
            day = date.fromisoformat(value.replace("/", "-"))
            parsed = datetime.combine(day, datetime.min.time())
        except ValueError:
            raise ValueError("consent date is not a date (use YYYY-MM-DD)") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now():
        raise ValueError("consent date is in the future")
    return parsed


def _unescape_cell(value: str) -> str:
    # Our export prefixes formula-like cells with a quote (see exporting.py); undo that.
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def _digest(address: str) -> int:
    return int.from_bytes(hashlib.blake2b(address.encode(), digest_size=8).digest(), "big")


def import_subscribers(
    *,
    rows_or_file,
    newsletter: Newsletter,
    dry_run: bool = False,
    progress: Callable[[int, float | None], None] | None = None,
    mapping: ColumnMapping | None = None,
    actor=None,
    source_name: str = "",
) -> ImportReport:
    """Import a CSV (path, file object, or rows with the header first) into `newsletter`.

    `progress(rows_done, fraction_of_file_or_None)` is called after every batch.
    Raises ImportFileError when the file has no usable header.
    """
    report = ImportReport(newsletter=newsletter, dry_run=dry_run)
    rows, fraction, close = _open_rows(rows_or_file)
    try:
        header = next(rows, None)
        if not header or not any(h.strip() for h in header):
            raise ImportFileError("The file is empty or has no header row.")
        header = [h.strip() for h in header]
        mapping = mapping or guess_mapping(header)
        report.mapping = mapping
        if mapping.email not in header:
            raise ImportFileError(
                "No email column found. Columns in the file: " + ", ".join(header)
            )

        def column(name):
            return header.index(name) if name and name in header else None

        columns = {
            "email": header.index(mapping.email),
            "first_name": column(mapping.first_name),
            "consent": column(mapping.consent_date),
        }
        writer = _BatchWriter(report, newsletter, actor, source_name or "CSV file")
        seen: set[int] = set()
        batch: dict[str, _Row] = {}
        for line, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            report.rows += 1
            raw = row[columns["email"]] if len(row) > columns["email"] else ""
            address = normalize_email(_unescape_cell(raw.strip()))
            if not address:
                report._invalid(line, "no email address", raw)
                continue
            try:
                _validate_email(address)
            except ValidationError:
                report._invalid(line, "not a valid email address", raw)
                continue
            try:
                consent_at = (
                    _parse_consent(row[columns["consent"]])
                    if columns["consent"] is not None and len(row) > columns["consent"]
                    else None
                )
            except ValueError as error:
                report._invalid(line, str(error), raw)
                continue
            first_name = ""
            if columns["first_name"] is not None and len(row) > columns["first_name"]:
                first_name = _unescape_cell(row[columns["first_name"]].strip())[:100]
            digest = _digest(address)
            if digest in seen:
                report._skip(SKIP_DUPLICATE)
                earlier = batch.get(address)
                if earlier is not None:  # merge what the first row lacked
                    earlier.first_name = earlier.first_name or first_name
                    earlier.consent_at = earlier.consent_at or consent_at
                continue
            seen.add(digest)
            batch[address] = _Row(line=line, first_name=first_name, consent_at=consent_at)
            if len(batch) >= BATCH_SIZE:
                writer.write(batch, dry_run=dry_run)
                batch = {}
                if progress:
                    progress(report.rows, fraction())
        if batch:
            writer.write(batch, dry_run=dry_run)
        if progress:
            progress(report.rows, 1.0)
    finally:
        close()
    return report


class _BatchWriter:
    def __init__(self, report: ImportReport, newsletter: Newsletter, actor, source_name: str):
        self.report = report
        self.newsletter = newsletter
        self.actor = actor
        self.source_name = source_name

    def write(self, batch: dict[str, _Row], *, dry_run: bool) -> None:
        if dry_run:
            self._plan(batch, dry_run=True)
            return
        try:
            with transaction.atomic():
                self._plan(batch, dry_run=False)
        except IntegrityError:
            # A reader signed up with one of these addresses between our read and our write;
            # the batch rolled back as a whole, so read again and redo it once.
            with transaction.atomic():
                self._plan(batch, dry_run=False)

    def _plan(self, batch: dict[str, _Row], *, dry_run: bool) -> None:
        report = self.report
        counts_before = (
            report.added,
            report.updated,
            report.skipped,
            report.active,
            report.pending,
        )
        skip_before = report.skip_reasons.copy()
        try:
            self._apply(batch, dry_run=dry_run)
        except IntegrityError:
            report.added, report.updated, report.skipped, report.active, report.pending = (
                counts_before
            )
            report.skip_reasons = skip_before
            raise

    def _apply(self, batch: dict[str, _Row], *, dry_run: bool) -> None:
        report, newsletter, now = self.report, self.newsletter, timezone.now()
        hashes = {address: email_hash(address) for address in batch}
        suppressed = set(
            Suppression.objects.filter(email_hash__in=hashes.values()).values_list(
                "email_hash", flat=True
            )
        )
        known = {
            normalize_email(row[0]): row
            for row in Subscriber.objects.with_emails(batch).values_list(
                "email", "pk", "status", "first_name"
            )
        }
        subscriptions = {
            subscriber_id: (pk, status)
            for subscriber_id, pk, status in Subscription.objects.filter(
                newsletter=newsletter, subscriber_id__in=[row[1] for row in known.values()]
            ).values_list("subscriber_id", "pk", "status")
        }
        new_subscribers: list[tuple[Subscriber, _Row]] = []
        new_subscriptions: list[Subscription] = []
        activate_subscriptions: list[Subscription] = []
        activated: list[Subscriber] = []
        renamed: list[Subscriber] = []
        events: list[ConsentEvent] = []

        for address, row in batch.items():
            consented = row.consent_at is not None
            if hashes[address] in suppressed:
                report._skip(SKIP_SUPPRESSED)
                continue
            existing = known.get(address)
            if existing is None:
                status = Subscriber.Status.ACTIVE if consented else Subscriber.Status.PENDING
                subscriber = Subscriber(
                    email=address,
                    email_hash=hashes[address],
                    first_name=row.first_name,
                    status=status,
                    source=Subscriber.Source.IMPORT,
                    consent_text=self._consent_text(row),
                    consent_at=row.consent_at,
                    confirmed_at=row.consent_at,
                )
                new_subscribers.append((subscriber, row))
                report.added += 1
                report.active += consented
                report.pending += not consented
                continue
            _, subscriber_id, status, first_name = existing
            if status in _BLOCKED:
                report._skip(SKIP_LEFT)
                continue
            subscription = subscriptions.get(subscriber_id)
            if subscription is not None and subscription[1] == Subscription.Status.UNSUBSCRIBED:
                report._skip(SKIP_LEFT_NEWSLETTER)
                continue
            changes = []
            if subscription is None:
                new_subscriptions.append(self._subscription(subscriber_id, consented, now))
                changes.append("joined this newsletter" + (" (consented)" if consented else ""))
            elif subscription[1] == Subscription.Status.PENDING and consented:
                activate_subscriptions.append(
                    Subscription(
                        pk=subscription[0], status=Subscription.Status.ACTIVE, subscribed_at=now
                    )
                )
                changes.append("consent on file: now active")
            if consented and status == Subscriber.Status.PENDING:
                activated.append(
                    Subscriber(
                        pk=subscriber_id,
                        first_name=first_name or row.first_name,
                        status=Subscriber.Status.ACTIVE,
                        confirmed_at=row.consent_at,
                        consent_at=row.consent_at,
                        consent_text=self._consent_text(row),
                    )
                )
                changes.append("consent on file: confirmed")
            elif row.first_name and not first_name:
                renamed.append(Subscriber(pk=subscriber_id, first_name=row.first_name))
                changes.append("first name added")
            if not changes:
                report._skip(SKIP_UNCHANGED)
                continue
            report.updated += 1
            events.append(self._event(subscriber_id, row, "; ".join(changes)))

        if dry_run:
            return
        created = Subscriber.objects.bulk_create([s for s, _ in new_subscribers])
        for subscriber, (_, row) in zip(created, new_subscribers, strict=True):
            new_subscriptions.append(
                self._subscription(subscriber.pk, row.consent_at is not None, now)
            )
            events.append(self._event(subscriber.pk, row, "new subscriber"))
        Subscription.objects.bulk_create(new_subscriptions)
        Subscription.objects.bulk_update(activate_subscriptions, ["status", "subscribed_at"])
        Subscriber.objects.bulk_update(
            activated, ["first_name", "status", "confirmed_at", "consent_at", "consent_text"]
        )
        Subscriber.objects.bulk_update(renamed, ["first_name"])
        ConsentEvent.objects.bulk_create(events)

    def _consent_text(self, row: _Row) -> str:
        if row.consent_at is None:
            return f"Imported from {self.source_name} without a consent date: needs confirming."
        return f"Imported from {self.source_name}: consented on {row.consent_at:%Y-%m-%d}."

    def _subscription(self, subscriber_id: int, consented: bool, now) -> Subscription:
        return Subscription(
            subscriber_id=subscriber_id,
            newsletter=self.newsletter,
            status=Subscription.Status.ACTIVE if consented else Subscription.Status.PENDING,
            subscribed_at=now if consented else None,
        )

    def _event(self, subscriber_id: int, row: _Row, detail: str) -> ConsentEvent:
        return ConsentEvent(
            subscriber_id=subscriber_id,
            newsletter=self.newsletter,
            kind=ConsentEvent.Kind.IMPORT,
            method="CSV import",
            actor=self.actor,
            detail=f"{self.source_name}, line {row.line}: {detail}",
        )
