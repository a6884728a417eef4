"""Redis unreachable or hung: reader pages still answer from the database, signups still work
(their rate limits fail open), other rate limits refuse, and nothing waits past the timeouts.

The cache is the real Redis backend (core.cache.ResilientRedisCache) pointed at a closed port,
or at a socket that accepts connections and never answers (a hung Redis).
"""

import socket
import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from core import cache as resilient
from subscriptions.models import Subscriber
from tests.articles.reader_helpers import full_story
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_cache_at(settings, port):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        },
    }
    resilient._down_until.clear()


@pytest.fixture
def redis_down(settings):
    point_cache_at(settings, closed_port())
    settings.CACHE_RETRY_SECONDS = 5
    yield
    resilient._down_until.clear()


@pytest.fixture
def redis_hung(settings):
    # Listens (the kernel completes the handshake) but never accepts or answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    point_cache_at(settings, listener.getsockname()[1])
    settings.CACHE_RETRY_SECONDS = 5
    yield
    listener.close()
    resilient._down_until.clear()


@pytest.fixture
def story():
    return full_story(authors=1, tags=1)


def reader_urls(story):
    return [
        reverse("articles:home"),
        story.section.get_absolute_url(),
        story.get_absolute_url(),
        story.byline_authors[0].get_absolute_url(),
        reverse("articles:feed"),
    ]


@pytest.mark.usefixtures("redis_down")
def test_reader_pages_answer_with_redis_stopped(client, story):
    for url in reader_urls(story):
        response = client.get(url)
        assert response.status_code == 200, url
        assert story.headline in response.content.decode(), url
    # The outage opened the breaker: later calls skip Redis instead of reconnecting.
    assert caches["default"].available is False


@pytest.mark.usefixtures("redis_hung")
def test_a_hung_redis_costs_one_read_timeout_then_is_skipped(client, story):
    started = time.monotonic()
    for url in reader_urls(story):
        assert client.get(url).status_code == 200, url
    elapsed = time.monotonic() - started
    # One 0.3 s timeout, then the breaker; without it every cache call would wait 0.3 s.
    assert elapsed < 0.3 * 4 + 5, elapsed
    assert caches["default"].available is False


def test_the_cache_is_used_again_once_the_breaker_closes(settings, redis_down):
    settings.CACHE_RETRY_SECONDS = 0.2
    backend = caches["default"]
    assert backend.get("anything") is None
    assert backend.available is False
    time.sleep(0.25)
    assert backend.available is True  # the next call tries Redis again


@pytest.mark.usefixtures("redis_down")
def test_signups_keep_working_and_fail_open(client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SIGNUP_RATE_LIMIT_PER_IP = "1/h"  # would refuse the second signup if counted
    NewsletterFactory(slug="morning", is_default=True)
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/subscriptions/signup/",
                {"email": f"reader{number}@example.org", "newsletters": "morning"},
            )
        assert response.status_code == 302
    assert Subscriber.objects.count() == 3


@pytest.mark.usefixtures("redis_down")
def test_other_rate_limits_fail_closed():
    from core.ratelimit import RateLimit

    assert RateLimit("comment-ip", "100/h").hit("192.0.2.1") is False
    assert RateLimit("signup-ip", "100/h", fail_open=True).hit("192.0.2.1") is True


def test_rate_limits_count_normally_when_redis_answers():
    from core.ratelimit import RateLimit

    limit = RateLimit("comment-ip", "2/h")
    assert [limit.hit("192.0.2.1") for _ in range(3)] == [True, True, False]


@pytest.mark.usefixtures("redis_down")
def test_healthz_stays_up_and_readyz_names_the_cache(client):
    assert client.get(reverse("healthz")).status_code == 200
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error: ConnectionError"
