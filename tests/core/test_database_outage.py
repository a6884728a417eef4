"""The database down or a statement past its bound: a friendly 503 that queries nothing, with
Retry-After, within the configured timeouts; any other error stays a plain 500."""

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, ProgrammingError, connection, connections
from django.test import Client
from django.urls import reverse

from core.outage import is_outage
from tests.articles.reader_helpers import full_story


def test_an_unreachable_database_gives_a_friendly_503(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = Client(raise_request_exception=False).get(reverse("articles:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "back in a moment" in response.content.decode().lower()


def test_other_errors_stay_a_500(db, monkeypatch):
    def broken_query(*args, **kwargs):
        raise ProgrammingError("no such column")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_query)
        response = Client(raise_request_exception=False).get(reverse("articles:home"))
    assert response.status_code == 500


def test_only_outages_count_as_outages():
    assert is_outage(OperationalError("server closed the connection"))
    assert not is_outage(ProgrammingError("no such column"))
    assert not is_outage(ValueError("bad"))
    try:
        try:
            raise OperationalError("timeout")
        except OperationalError as error:
            raise RuntimeError("wrapped") from error
    except RuntimeError as wrapped:
        assert is_outage(wrapped)


@pytest.mark.postgres
def test_postgres_options_carry_the_timeouts():
    options = django_settings.DATABASES["default"].get("OPTIONS", {})
    assert options["connect_timeout"] == django_settings.DATABASE_CONNECT_TIMEOUT
    assert "statement_timeout=" in options["options"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lock_on_the_stories_table_times_out_at_the_bound_with_a_503():
    """An ACCESS EXCLUSIVE lock held by another session: the page waits for the statement
    timeout (1 s here), then answers 503, instead of waiting for the lock."""
    story = full_story(authors=1)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with connections["default"].cursor() as cursor:  # this thread's own connection
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {story._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)
            cursor.execute("ROLLBACK")
        connections["default"].close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 1000")
        started = time.monotonic()
        response = Client(raise_request_exception=False).get(story.get_absolute_url())
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert elapsed < 10, elapsed
    finally:
        release.set()
        holder.join()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    assert Client().get(story.get_absolute_url()).status_code == 200
