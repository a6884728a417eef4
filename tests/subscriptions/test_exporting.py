"""The CSV export: any status, a status column, dates in the outlet's zone, and an importer
that brings back nobody the file says had left."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from subscriptions import bounces, erasure, services
from subscriptions.models import Subscriber, Suppression, email_hash
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, active_subscriber

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def exported(newsletter, status="active"):
    text = "".join(services.export_subscribers(newsletter, status=status))
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def everyone(newsletter):
    """One person in each status for `newsletter`."""
    active_subscriber(newsletter, email="active@example.org")
    waiting = SubscriberFactory(email="pending@example.org", status="pending", confirmed_at=None)
    SubscriptionFactory(
        subscriber=waiting, newsletter=newsletter, status="pending", subscribed_at=None
    )
    services.unsubscribe(subscriber=active_subscriber(newsletter, email="left@example.org"))
    bounces.record_bounce(email=active_subscriber(newsletter, email="bounced@example.org").email,
                           hard=True)  # fmt: skip
    bounces.record_complaint(email=active_subscriber(newsletter, email="spam@example.org").email)
    active_subscriber(newsletter, email="blocked@example.org")
    Suppression.objects.create(email_hash=email_hash("blocked@example.org"), reason="bounced")
    erasure.erase_subscriber(subscriber=active_subscriber(newsletter, email="gone@example.org"))


def test_each_status_exports_its_people_with_a_status_column(newsletter, everyone):
    statuses = {row["email"]: row["status"] for row in exported(newsletter, "all")}

    assert statuses == {
        "active@example.org": "active",
        "pending@example.org": "pending",
        "left@example.org": "unsubscribed",
        "bounced@example.org": "bounced",
        "spam@example.org": "complained",
        "blocked@example.org": "suppressed",
    }  # the erased person has no address left to export
    for status in ("active", "pending", "unsubscribed", "bounced", "complained", "suppressed"):
        assert [row["status"] for row in exported(newsletter, status)] == [status]
    # "active" is exactly who the next issue goes to.
    assert [row["email"] for row in exported(newsletter)] == list(
        services.active_recipients(newsletter).values_list("email", flat=True)
    )
    left = next(row for row in exported(newsletter, "unsubscribed"))
    assert left["unsubscribed_at"]


def test_dates_are_written_in_the_outlets_zone(newsletter):
    midnight = datetime(2026, 3, 1, 0, 0, tzinfo=KYIV)  # 2026-02-28 22:00 in UTC
    active_subscriber(newsletter, consent_at=midnight, confirmed_at=midnight)

    [row] = exported(newsletter)

    assert row["consent_date"] == "2026-03-01T00:00:00+02:00"
    assert row["subscribed_at"].endswith(("+02:00", "+03:00"))


def test_an_export_of_everyone_brings_nobody_back_through_the_importer(
    newsletter, weekly, everyone
):
    text = "".join(services.export_subscribers(newsletter, status="all"))

    report = services.import_subscribers(rows_or_file=io.StringIO(text), newsletter=weekly)

    assert (report.added, report.updated, report.invalid) == (0, 2, 0)
    assert (
        report.skip_reasons["marked unsubscribed, bounced, complained or suppressed in the file"]
        == 4
    )
    # The pending person joins pending: they never confirmed with us either.
    statuses = dict(weekly.subscriptions.values_list("subscriber__email", "status"))
    assert statuses == {"active@example.org": "active", "pending@example.org": "pending"}
    assert Subscriber.objects.get(email="pending@example.org").status == "pending"
