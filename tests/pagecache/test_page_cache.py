"""The page cache: hits and misses, who bypasses it, and what a shared copy may carry."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.articles.reader_helpers import full_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def cache_status(response):
    return response.headers.get("X-Page-Cache")


def cache_control(response):
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def shared_life(response):
    """(s-maxage, stale-while-revalidate) seconds from the Cache-Control header."""
    values = dict(part.split("=") for part in cache_control(response) if "=" in part)
    return int(values["s-maxage"]), int(values["stale-while-revalidate"])


@pytest.fixture
def story():
    return full_story(authors=2, tags=2, embeds=3)


def reader_urls(story):
    author = story.byline_authors[0]
    tag = story.tags.first()
    return [
        reverse("articles:home"),
        reverse("articles:news_feed"),
        story.section.get_absolute_url(),
        story.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=[tag.slug]),
    ]


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    assert cache_status(first) == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert cache_status(second) == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_every_reader_page_is_cached_and_carries_nothing_per_visitor(client, story):
    for url in reader_urls(story):
        for expected in ("miss", "hit"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert cache_status(response) == expected, url
            assert not response.cookies, url
            assert b"csrfmiddlewaretoken" not in response.content, url
            assert "cookie" not in response.headers.get("Vary", "").lower(), url
            assert {"public", "max-age=0"} <= cache_control(response), url
            fresh, stale = shared_life(response)
            # Fresh, then served while refetched: never past the 5 s bound in all.
            assert fresh >= 1 and stale >= 1 and fresh + stale <= 5, url
            assert response.has_header("ETag"), url


def test_signed_in_staff_bypass_the_cache_and_see_their_edit_link(client, story, admin_user):
    url = story.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"

    staff = Client()
    staff.force_login(admin_user)
    response = staff.get(url)

    assert cache_status(response) == "bypass"
    assert b"Edit post" in response.content
    assert {"private", "no-store"} <= cache_control(response)
    # The staff page was not stored: readers still get the shared copy, without the link.
    reader = client.get(url)
    assert cache_status(reader) == "hit"
    assert b"Edit post" not in reader.content


def test_staff_visiting_first_leave_nothing_behind_for_readers(client, story, admin_user):
    url = story.get_absolute_url()
    staff = Client()
    staff.force_login(admin_user)
    assert cache_status(staff.get(url)) == "bypass"

    response = client.get(url)
    assert cache_status(response) == "miss"
    assert b"Edit post" not in response.content


def test_a_made_up_session_cookie_still_gets_the_shared_copy(client, story):
    url = story.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"

    client.cookies["sessionid"] = "not-a-real-session"
    response = client.get(url)

    assert cache_status(response) == "hit"


def test_pending_messages_are_never_answered_from_the_cache(client, story):
    url = story.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"

    client.cookies["messages"] = "something-for-this-visitor"
    assert cache_status(client.get(url)) != "hit"


def test_a_head_request_is_answered_from_the_copy(client, story):
    url = story.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"

    response = client.head(url)
    assert cache_status(response) == "hit"


def test_parameters_the_pages_ignore_share_one_copy(client, story):
    url = story.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"
    assert cache_status(client.get(url, {"utm_source": "newsletter", "fbclid": "x1"})) == "hit"


def test_each_page_of_a_listing_has_its_own_copy(client, story):
    for _ in range(25):
        full_story(section=story.section, photo=False)
    url = story.section.get_absolute_url()
    assert cache_status(client.get(url)) == "miss"
    second_page = client.get(url, {"page": 2})
    assert cache_status(second_page) == "miss"
    assert second_page.content != client.get(url).content
    assert cache_status(client.get(url, {"page": 2})) == "hit"


def test_a_page_value_no_listing_has_is_neither_looked_up_nor_stored(client, story):
    section = story.section.get_absolute_url()
    first = client.get(section, {"page": "x" * 40})
    second = client.get(section, {"page": "x" * 40})
    assert first.status_code == second.status_code == 404
    assert cache_status(first) is None and cache_status(second) is None


def test_not_found_is_not_cached(client, story):
    url = reverse("articles:article", args=["no-such-story"])
    assert client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 404
    assert cache_status(response) is None


def test_pages_outside_the_reader_site_are_left_alone(client, story):
    response = client.get(reverse("healthz"))
    assert cache_status(response) is None
    assert "public" not in cache_control(response)


@pytest.mark.urls("tests.pagecache.urls")
def test_a_page_that_sets_a_cookie_is_never_shared(client, settings):
    settings.PAGE_CACHE_VIEWS = settings.PAGE_CACHE_VIEWS | {"csrf-page"}
    first = client.get("/csrf-page/")
    assert first.cookies  # the CSRF cookie: per visitor
    assert cache_status(first) == "uncacheable"
    assert {"private", "no-store"} <= cache_control(first)

    fresh = Client()
    assert cache_status(fresh.get("/csrf-page/")) == "uncacheable"


def test_with_the_cache_off_pages_are_rendered_each_time_but_still_cacheable_downstream(
    client, story, settings
):
    settings.PAGE_CACHE_ENABLED = False
    url = story.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert cache_status(response) is None
    assert "public" in cache_control(response)
    assert shared_life(response) == (2, 2)  # the 5 s bound: 2 fresh, 2 while refetched
    assert "cookie" not in response.headers.get("Vary", "").lower()


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def test_a_copy_carries_the_same_security_headers_as_a_fresh_page(client, story):
    url = story.get_absolute_url()
    fresh = client.get(url)
    copy = client.get(url)
    assert cache_status(copy) == "hit"
    for name in SECURITY_HEADERS:
        assert fresh.has_header(name), name
        assert copy[name] == fresh[name], name


def test_a_hit_costs_one_cache_round_trip(client, story, monkeypatch):
    """The generation record (with the schedule) is read; the page is this process's copy."""
    from django.core.cache import cache

    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # this process now holds the page
    calls, inside = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not inside:  # local memory's get_many calls get() per key itself
                calls.append(name)
            inside.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert cache_status(client.get(url)) == "hit"
    assert calls == ["get"]
