"""The subscriber and newsletter admin write dates the one admin way (newsroom/formats):
"7 Dec 2026, 18:32" in the outlet's time zone, "7 Dec" on a chart's day axis."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from freezegun import freeze_time

from subscriptions.charts import subscribers_over_time
from subscriptions.models import ConsentEvent
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db
# 22:30 UTC on 6 December is 00:30 on 7 December in Kyiv.
AT = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
ADMIN_TEMPLATES = ("admin", "newsletters/admin", "staffauth")
# A `date` filter argument that is a named format (DATE_FORMAT…) or the machine-readable "c".
NAMED = re.compile(r"""\|date:(["'])([A-Z_]+_FORMAT|c)\1""")


def test_admin_templates_name_their_date_format():
    own_patterns = []
    for folder in ADMIN_TEMPLATES:
        for path in sorted((Path(settings.BASE_DIR) / "templates" / folder).rglob("*.html")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                for found in re.finditer(r"\|date(:\S+)?", line):
                    if not NAMED.match(line, found.start()):
                        own_patterns.append(f"{path.name}:{number}: {found.group()}")
    assert own_patterns == []


def test_action_confirmation_dates_the_subscriber_in_kyiv(admin_client, newsletter):
    with freeze_time(AT):
        subscriber = active_subscriber(newsletter)

    page = admin_client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk]},
    )

    assert "since 7 Dec 2026)" in page.content.decode()


def test_consent_history_reads_in_kyiv_time(newsletter):
    with freeze_time(AT):
        event = ConsentEvent.objects.create(
            subscriber=active_subscriber(newsletter), kind=ConsentEvent.Kind.SIGNUP
        )

    assert str(event) == "Signed up (7 Dec 2026, 00:30)"


def test_chart_days_are_day_first(newsletter):
    chart = subscribers_over_time(newsletter, days=30, today=date(2026, 12, 7))

    assert chart.summary == "0 subscribers on 8 Nov, 0 on 7 Dec."
