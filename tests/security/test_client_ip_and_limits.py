"""Client IPs believe X-Forwarded-For only from trusted proxies; rate limits use them."""

import pytest
from django.test import RequestFactory

from newsroom.clientip import client_ip
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
