"""CSV import of subscribers into one newsletter, in bounded memory.

The file is streamed with the csv module and handled in batches: per batch a fixed handful
of queries (suppression hashes, known addresses, their subscriptions) and bulk writes, never
a query per row. Only an 8-byte digest per address stays in memory for the whole file, to
spot duplicates within it (about 60 MB for a million rows).

Rules: an address is normalised (trimmed, lower-cased) and validated; a row is active only
if the file gives a consent date, otherwise pending (staff send confirmations separately);
a row whose status column (our export writes one) says the person left is not imported, and
one marked pending arrives pending whatever its dates say;
a consent date is read day first (DD/MM/YYYY, DD.MM.YYYY) or as ISO, in the outlet's zone,
and a row whose date cannot be used arrives pending with a note, never dropped;
an address that unsubscribed, bounced, complained, was erased or is suppressed is never
brought back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import os
import queue
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, reset_queries
from django.utils import timezone

from core import audit

from .exporting import FORMULA_STARTS, LEFT_STATUSES, ExportStatus
from .import_batches import BatchWriter, Row
from .import_postgres import PostgresBatchWriter
from .models import Newsletter, normalize_email

BATCH_SIZE = 5000
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
SKIP_MARKED_LEFT = "marked unsubscribed, bounced, complained or suppressed in the file"
_validate_email = EmailValidator()
# Django compiles these lazily behind a proxy object; at a million rows the proxy's attribute
# lookups cost more than the matching, so give this validator the compiled patterns.
for _name in ("user_regex", "domain_regex", "literal_regex"):
    _lazy = getattr(EmailValidator, _name)
    setattr(_validate_email, _name, re.compile(_lazy.pattern, _lazy.flags))


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
    # Rows imported all the same, with something staff should know (a consent date that could
    # not be used: the row arrives pending instead of being dropped).
    notes: list[RowProblem] = field(default_factory=list)
    noted: int = 0
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

    @property
    def notes_not_listed(self) -> int:
        return self.noted - len(self.notes)

    def _note(self, line: int, reason: str, value: str) -> None:
        self.noted += 1
        if len(self.notes) < MAX_REPORTED_PROBLEMS:
            self.notes.append(RowProblem(line=line, reason=reason, value=value[:254]))

    def _skip(self, reason: str, count: int = 1) -> None:
        self.skipped += count
        self.skip_reasons[reason] += count


class ImportFileError(ValueError):
    """The file cannot be imported at all (no header, no email column)."""


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


# Day first, as spreadsheets in Ukraine and most of Europe write dates (02/11/2026 is
# 2 November), with an optional time; ISO (2026-11-02, 2026/11/02, with a time) is read too.
# A four-digit year is required: "11/02/26" could be either century's and either order's.
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4})"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
DATE_NOT_READ = "not read (use DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD)"
DATE_IN_FUTURE = "in the future"


def _parse_consent(value: str) -> datetime | None:
    """The consent date in a cell, in the outlet's zone when the cell names none.

    Raises ValueError with the reason (DATE_NOT_READ, DATE_IN_FUTURE) for a date that cannot
    be used; an empty cell is no date at all.
    """
    value = value.strip()
    if not value:
        return None
    day_first = _DAY_FIRST.fullmatch(value)
    try:
        if day_first:
            parsed = datetime(
                *(int(day_first[part]) for part in ("year", "month", "day")),
                *(int(day_first[part] or 0) for part in ("hour", "minute", "second")),
            )
        else:
            parsed = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise ValueError(DATE_NOT_READ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now():
        raise ValueError(DATE_IN_FUTURE)
    return parsed


def _unescape_cell(value: str) -> str:
    # Our export prefixes formula-like cells with a quote (see exporting.py); undo that.
    if value.startswith("'") and value[1:2] in FORMULA_STARTS:
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
            # Not a mapping choice: only our own export writes this column.
            "status": column(next((h for h in header if h.lower() == "status"), "")),
        }
        writer_class = PostgresBatchWriter if connection.vendor == "postgresql" else BatchWriter
        writer = writer_class(report, newsletter, actor, source_name or "CSV file")
        duplicates = [0]
        # Parsing runs in a thread while the database writes the previous batch: the two
        # take about the same time at scale, so overlapping them nearly halves an import.
        batches = _in_background(
            lambda: _parse_batches(rows, columns, report, duplicates, fraction)
        )
        for batch, rows_read, done in batches:
            writer.write(batch, dry_run=dry_run)
            if settings.DEBUG:
                reset_queries()  # DEBUG keeps every query's SQL: bound it
            if progress:
                progress(rows_read, done)
        if duplicates[0]:
            report._skip(SKIP_DUPLICATE, duplicates[0])
        if progress:
            progress(report.rows, 1.0)
    finally:
        close()
    if not dry_run:
        audit.record(
            action=audit.Action.SUBSCRIBERS_IMPORTED,
            target=newsletter,
            actor=actor,
            source=source_name or "CSV file",
            added=report.added,
            updated=report.updated,
        )
    return report


def _parse_batches(rows, columns, report, duplicates, fraction):
    """Validated, de-duplicated rows in batches of BATCH_SIZE: (batch, rows read, fraction).

    Records invalid rows in the report; counts duplicates in `duplicates[0]` (the writer
    updates the report's other counts from another thread).
    """
    seen: set[int] = set()
    consent_dates: dict[str, tuple[datetime | None, str]] = {}
    batch: dict[str, Row] = {}
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
        marked = ""
        if columns["status"] is not None and len(row) > columns["status"]:
            marked = row[columns["status"]].strip().lower()
            if marked in LEFT_STATUSES:
                report._skip(SKIP_MARKED_LEFT)
                continue
        consent_at, consent_note = None, ""
        # Someone exported as pending never confirmed: whatever dates the row carries, they
        # arrive pending here too.
        if (
            marked != ExportStatus.PENDING
            and columns["consent"] is not None
            and len(row) > columns["consent"]
        ):
            # Big files repeat the same few hundred dates: parse each once per import.
            value = row[columns["consent"]]
            parsed = consent_dates.get(value)
            if parsed is None:
                try:
                    parsed = consent_dates[value] = (_parse_consent(value), "")
                except ValueError as error:
                    parsed = consent_dates[value] = (None, str(error))
            consent_at, why_not = parsed
            if why_not:
                # Never dropped: without a usable date the person arrives pending, and both
                # the report and their consent text say why.
                report._note(line, f"consent date {why_not}", value.strip())
                consent_note = f"consent date “{value.strip()[:60]}” {why_not}"
        first_name = ""
        if columns["first_name"] is not None and len(row) > columns["first_name"]:
            first_name = _unescape_cell(row[columns["first_name"]].strip())[:100]
        digest = _digest(address)
        if digest in seen:
            duplicates[0] += 1
            earlier = batch.get(address)
            if earlier is not None:  # merge what the first row lacked
                earlier.first_name = earlier.first_name or first_name
                earlier.consent_at = earlier.consent_at or consent_at
            continue
        seen.add(digest)
        batch[address] = Row(
            line=line, first_name=first_name, consent_at=consent_at, consent_note=consent_note
        )
        if len(batch) >= BATCH_SIZE:
            yield batch, report.rows, fraction()
            batch = {}
    if batch:
        yield batch, report.rows, fraction()


class _Failed:
    def __init__(self, error):
        self.error = error


_DONE = object()


def _in_background(make_items, lookahead: int = 2):
    """Iterate `make_items()` in a worker thread, at most `lookahead` items ahead.

    Bounded, so memory stays flat however big the file; errors in the thread are raised
    here; leaving the loop early stops the thread. The thread touches no database (Django
    connections belong to the thread that opened them).
    """
    items: queue.Queue = queue.Queue(maxsize=lookahead)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            for item in make_items():
                if not put(item):
                    return
            put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the consuming thread
            put(_Failed(error))

    thread = threading.Thread(target=run, name="subscriber-import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join(timeout=10)
