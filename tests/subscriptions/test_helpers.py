"""core.ratelimit and the import's background reader."""

import csv
import os
import time

import pytest
from django.urls import reverse
from freezegun import freeze_time

from core.ratelimit import RateLimit, parse_rate
from subscriptions import services
from subscriptions.import_files import remove_stale_uploads
from subscriptions.importing import _in_background
from subscriptions.models import Subscriber


def test_parse_rate():
    assert parse_rate("20/h") == (20, 3600)
    assert parse_rate("5/10m") == (5, 600)
    with pytest.raises(ValueError):
        parse_rate("lots")


def test_rate_limit_counts_per_key_and_window():
    limit = RateLimit("test", "2/m")
    with freeze_time("2026-03-02 10:00:05"):
        assert limit.hit("a") and limit.hit("a")
        assert not limit.hit("a")
        assert limit.hit("b")  # another key has its own count
    with freeze_time("2026-03-02 10:01:05"):
        assert limit.hit("a")  # a new window
    assert limit.hit(None)  # nothing to count by: never blocks


def test_background_reader_hands_errors_to_the_caller():
    def broken():
        yield 1
        raise csv.Error("field larger than field limit")

    items = _in_background(broken)
    assert next(items) == 1
    with pytest.raises(csv.Error):
        next(items)


def test_background_reader_stops_when_the_caller_leaves():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in _in_background(endless, lookahead=2):
        if item == 3:
            break
    time.sleep(0.3)
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count  # the thread has stopped
    assert count <= 3 + 2 + 2


@pytest.mark.django_db
def test_a_malformed_csv_raises_instead_of_hanging(newsletter):
    rows = [["email"], ["a@example.org"]]

    def exploding():
        yield from rows
        raise csv.Error("new-line character seen in unquoted field")

    with pytest.raises(csv.Error):
        services.import_subscribers(rows_or_file=exploding(), newsletter=newsletter)


@pytest.mark.django_db
def test_dashboard_purge_button_queues_the_purge(admin_client, newsletter):
    with freeze_time("2025-01-01"):
        Subscriber.objects.create(email="never@example.org")
    response = admin_client.post(reverse("admin:subscriptions_dashboard"), {"purge": "1"})
    assert response.status_code == 302
    assert not Subscriber.objects.exists()  # the immediate test backend ran the task


def test_stale_uploads_are_removed(settings, tmp_path):
    settings.SUBSCRIBER_IMPORT_DIR = tmp_path
    old, fresh = tmp_path / "old.csv", tmp_path / "fresh.csv"
    old.write_text("email\n")
    fresh.write_text("email\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))

    assert remove_stale_uploads() == 1
    assert not old.exists() and fresh.exists()
