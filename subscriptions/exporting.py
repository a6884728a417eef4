"""CSV export of a newsletter's active subscribers, produced line by line.

The output has the columns the importer recognises (email, first_name, consent_date), so an
export can be imported elsewhere as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from .models import Subscriber, Subscription, Suppression

EXPORT_HEADER = ["email", "first_name", "consent_date", "subscribed_at"]
# OWASP's list (=, +, -, @, tab, carriage return), plus the full-width signs some
# spreadsheets (East Asian locales) read as their ASCII twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class _Line:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value):
        return value


def _safe_cell(value: str) -> str:
    # A name typed as "=HYPERLINK(...)" must not run as a formula when staff open the file;
    # the leading quote makes the cell text (the importer takes it off again).
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_active_subscribers(newsletter, *, chunk_size: int = 5000) -> Iterator[str]:
    """CSV lines (header first) for everyone who would receive `newsletter` now."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_HEADER)
    rows = (
        Subscription.objects.filter(
            newsletter=newsletter,
            status=Subscription.Status.ACTIVE,
            subscriber__status=Subscriber.Status.ACTIVE,
            subscriber__email__isnull=False,
        )
        .exclude(
            subscriber__email_hash__in=Suppression.objects.values("email_hash"),
        )
        .order_by("subscriber_id")
        .values_list(
            "subscriber__email",
            "subscriber__first_name",
            "subscriber__consent_at",
            "subscriber__confirmed_at",
            "subscribed_at",
        )
    )
    for email, first_name, consent_at, confirmed_at, subscribed_at in rows.iterator(chunk_size):
        consented = consent_at or confirmed_at or subscribed_at
        yield writer.writerow(
            [
                _safe_cell(email),
                _safe_cell(first_name),
                consented.isoformat() if consented else "",
                subscribed_at.isoformat() if subscribed_at else "",
            ]
        )
