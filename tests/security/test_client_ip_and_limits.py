"""Client IPs believe X-Forwarded-For only from trusted proxies; rate limits use them."""

import pytest
from django.test import RequestFactory

from core.clientip import client_ip
from tests.subscriptions.factories import NewsletterFactory


def ip_of(remote, forwarded=None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("203.0.113.9", "192.0.2.1") == "203.0.113.9"


def test_a_header_from_an_untrusted_address_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ip_of("203.0.113.9", "192.0.2.1") == "203.0.113.9"


def test_the_trusted_proxy_passes_the_client_on(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.1", "198.51.100.4") == "198.51.100.4"


def test_spoofed_entries_left_of_our_proxies_are_not_believed(settings):
    """The client may send its own X-Forwarded-For; our proxy appends the real address."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.1", "1.1.1.1, 8.8.8.8, 198.51.100.4") == "198.51.100.4"
    assert ip_of("10.0.0.1", "1.1.1.1, 198.51.100.4, 10.0.0.7") == "198.51.100.4"


def test_garbage_in_the_chain_stops_the_walk(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip_of("10.0.0.1", "198.51.100.4, not-an-ip") == "10.0.0.1"
    assert ip_of("10.0.0.1", "") == "10.0.0.1"


def test_ipv6_clients_and_proxies(settings):
    settings.TRUSTED_PROXIES = ["fd00::/8"]
    assert ip_of("fd00::1", "2001:db8::42") == "2001:db8::42"
    assert ip_of("2001:db8::9", "2001:db8::42") == "2001:db8::9"


@pytest.mark.django_db
def test_signup_limit_cannot_be_dodged_with_a_forged_header(client, settings):
    settings.SIGNUP_RATE_LIMIT_PER_IP = "3/h"
    newsletter = NewsletterFactory(is_public=True)
    statuses = [
        client.post(
            "/subscriptions/signup/",
            {"email": f"reader{n}@example.org", "newsletters": newsletter.slug},
            REMOTE_ADDR="203.0.113.9",
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


@pytest.mark.django_db
def test_signup_limit_counts_each_reader_behind_our_proxy(client, settings):
    settings.SIGNUP_RATE_LIMIT_PER_IP = "1/h"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    newsletter = NewsletterFactory(is_public=True)

    def post(n, reader):
        return client.post(
            "/subscriptions/signup/",
            {"email": f"reader{n}@example.org", "newsletters": newsletter.slug},
            REMOTE_ADDR="10.0.0.2",
            headers={"X-Forwarded-For": reader},
        ).status_code

    assert [post(0, "198.51.100.1"), post(1, "198.51.100.1")] == [302, 429]
    assert post(2, "198.51.100.2") == 302


@pytest.mark.django_db
def test_comment_posts_are_rate_limited_per_client(client, settings):
    from tests.factories import ArticleFactory

    settings.COMMENT_RATE_LIMIT_PER_IP = "2/10m"
    story = ArticleFactory(comments_enabled=True)

    def post(n, forwarded):
        return client.post(
            f"/comments/{story.slug}/write/",
            {"name": "Reader", "email": "reader@example.org", "body": f"Comment number {n}."},
            REMOTE_ADDR="203.0.113.9",
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    # A forged header is no way round the limit: the connection's address is counted.
    assert [post(n, f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]
    assert story.comments.count() == 2


@pytest.mark.django_db
def test_search_is_rate_limited_per_client(client, settings):
    settings.SEARCH_RATE_LIMIT_PER_IP = "3/m"
    statuses = [
        client.get(
            "/search/",
            {"q": f"bridge {n}"},
            REMOTE_ADDR="203.0.113.9",
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    other = client.get("/search/", {"q": "bridge"}, REMOTE_ADDR="198.51.100.3")
    assert other.status_code == 200


# --- Defaults behind the shipped nginx, misconfiguration warnings, IPv6 networks ----------


@pytest.fixture
def fresh_warning(monkeypatch):
    """The misconfiguration warning is logged once per process: start each test unwarned."""
    import core.clientip

    monkeypatch.setattr(core.clientip, "_warned_about_forwarding", False, raising=False)


def test_loopback_proxies_are_trusted_by_default():
    """deploy/nginx.conf passes requests on from 127.0.0.1: its header names the reader."""
    from tests.security.test_production_settings import PRODUCTION_ENV, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(' '.join(s.TRUSTED_PROXIES))",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.0/8", "::1"]


def test_the_local_nginx_passes_the_reader_on(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]
    assert ip_of("127.0.0.1", "198.51.100.4") == "198.51.100.4"
    assert ip_of("127.0.0.53", "203.0.113.1, 198.51.100.4") == "198.51.100.4"
    assert ip_of("::1", "2001:db8::42") == "2001:db8::42"
    # An IPv4 connection on a dual-stack socket looks like ::ffff:127.0.0.1.
    assert ip_of("::ffff:127.0.0.1", "198.51.100.4") == "198.51.100.4"
    # A reader talking to gunicorn directly cannot pose as someone else.
    assert ip_of("203.0.113.9", "198.51.100.4") == "203.0.113.9"


def test_a_forged_header_from_an_untrusted_peer_is_logged_once(settings, caplog, fresh_warning):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]
    with caplog.at_level("WARNING", logger="core.clientip"):
        assert ip_of("203.0.113.9") == "203.0.113.9"
        assert caplog.records == [], "no header, nothing to say"
        for n in range(3):
            assert ip_of("203.0.113.9", f"192.0.2.{n}") == "203.0.113.9"
        assert ip_of("198.51.100.7", "192.0.2.9") == "198.51.100.7"
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "203.0.113.9" in message and "TRUSTED_PROXIES" in message


def test_a_trusted_proxy_logs_nothing(settings, caplog, fresh_warning):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]
    with caplog.at_level("DEBUG", logger="core.clientip"):
        assert ip_of("127.0.0.1", "198.51.100.4") == "198.51.100.4"
    assert caplog.records == []


def test_ipv6_clients_in_one_64_share_a_rate_limit_bucket():
    from core.ratelimit import RateLimit

    limit = RateLimit("test-ipv6-bucket", "1/h")
    assert limit.hit("2001:db8:1:2::a")
    # Everything in 2001:db8:1:2::/64 is one subscriber's line: one bucket.
    assert not limit.hit("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert not limit.hit("2001:DB8:1:2:0:0:0:B")
    # The next /64 is someone else.
    assert limit.hit("2001:db8:1:3::a")
    # IPv4 addresses stay one bucket each, and so do IPv4 addresses written as IPv6.
    assert limit.hit("198.51.100.1")
    assert limit.hit("198.51.100.2")
    assert not limit.hit("::ffff:198.51.100.2")
    # Values that are not addresses (emails) are counted as they are.
    assert limit.hit("reader@example.org")
    assert not limit.hit("reader@example.org")


@pytest.mark.django_db
def test_search_limit_counts_an_ipv6_64_as_one_client(client, settings):
    settings.SEARCH_RATE_LIMIT_PER_IP = "2/m"

    def search(ip):
        return client.get("/search/", {"q": "bridge"}, REMOTE_ADDR=ip).status_code

    assert [search("2001:db8:5:6::1"), search("2001:db8:5:6::2")] == [200, 200]
    assert search("2001:db8:5:6:abcd::3") == 429
    assert search("2001:db8:5:7::1") == 200


@pytest.mark.django_db
def test_rotating_addresses_inside_a_64_does_not_dodge_the_comment_limit(client, settings):
    from tests.factories import ArticleFactory

    settings.COMMENT_RATE_LIMIT_PER_IP = "2/10m"
    story = ArticleFactory(comments_enabled=True)

    def post(n):
        return client.post(
            f"/comments/{story.slug}/write/",
            {"name": "Reader", "email": "reader@example.org", "body": f"Comment number {n}."},
            REMOTE_ADDR=f"2001:db8:9:9::{n + 1:x}",
        ).status_code

    assert [post(n) for n in range(3)] == [200, 200, 429]
    assert story.comments.count() == 2
