"""CSV export of a newsletter's subscribers, in any status, produced line by line.

The output has the columns the importer recognises (email, first_name, consent_date), so an
export can be imported elsewhere as it is; its status column tells the importer to leave out
whoever had left (importing.py), so an export of everyone brings nobody back. Dates are
written in the outlet's zone with their offset (2026-03-01T00:00:00+02:00), so a consent
given at midnight in Kyiv is not shown as the day before, as it would be in UTC.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db import models
from django.utils import timezone

from .models import Subscriber, Subscription, Suppression

EXPORT_HEADER = [
    "email",
    "first_name",
    "status",
    "consent_date",
    "subscribed_at",
    "unsubscribed_at",
]
# OWASP's list (=, +, -, @, tab, carriage return), plus the full-width signs some
# spreadsheets (East Asian locales) read as their ASCII twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class ExportStatus(models.TextChoices):
    """A person's status for one newsletter, as the export's status column writes it."""

    ACTIVE = "active", "Active: would receive the next issue"
    PENDING = "pending", "Pending confirmation"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed from this newsletter"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Complained (marked as spam)"
    SUPPRESSED = "suppressed", "On the suppression list"


ALL_STATUSES = "all"
EXPORT_CHOICES = [(ALL_STATUSES, "Everyone, whatever their status"), *ExportStatus.choices]
# Statuses an importer must not bring back onto a list (see importing.py).
LEFT_STATUSES = frozenset(ExportStatus.values) - {ExportStatus.ACTIVE, ExportStatus.PENDING}


class _Line:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value):
        return value


def _safe_cell(value: str) -> str:
    # A name typed as "=HYPERLINK(...)" must not run as a formula when staff open the file;
    # the leading quote makes the cell text (the importer takes it off again).
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _local(moment) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""


def export_status():
    """The status column in SQL: a final status of the person (bounced, complained) or the
    suppression list outranks the subscription's own status; an active subscription of
    someone in neither is active, which is exactly who services.active_recipients mails."""
    suppressed = Suppression.objects.filter(email_hash=models.OuterRef("subscriber__email_hash"))
    return models.Case(
        models.When(
            subscriber__status__in=[Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED],
            then=models.F("subscriber__status"),
        ),
        models.When(models.Exists(suppressed), then=models.Value(ExportStatus.SUPPRESSED)),
        default=models.F("status"),
        output_field=models.CharField(),
    )


def export_subscribers(
    newsletter, *, status: str = ExportStatus.ACTIVE, chunk_size: int = 5000
) -> Iterator[str]:
    """CSV lines (header first) for `newsletter`'s subscribers in `status` (ALL_STATUSES:
    everyone with an address on file; erased people have none)."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_HEADER)
    rows = Subscription.objects.filter(
        newsletter=newsletter, subscriber__email__isnull=False
    ).annotate(export_status=export_status())
    if status != ALL_STATUSES:
        rows = rows.filter(export_status=status)
    rows = rows.order_by("subscriber_id").values_list(
        "subscriber__email",
        "subscriber__first_name",
        "export_status",
        "subscriber__consent_at",
        "subscriber__confirmed_at",
        "subscribed_at",
        "unsubscribed_at",
    )
    for email, first_name, state, consent_at, confirmed_at, subscribed_at, left_at in rows.iterator(
        chunk_size
    ):
        consented = consent_at or confirmed_at or subscribed_at
        yield writer.writerow(
            [
                _safe_cell(email),
                _safe_cell(first_name),
                state,
                _local(consented),
                _local(subscribed_at),
                _local(left_at),
            ]
        )
