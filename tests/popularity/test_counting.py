"""The read beacon: cookie-free counting, bots ignored, rate limits without stored IPs."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from popularity.models import ArticleDailyViews
from popularity.services import flush_read_counts
from tests.factories import ArticleFactory
from tests.popularity.conftest import beacon

pytestmark = pytest.mark.django_db


def views_of(article):
    return sum(ArticleDailyViews.objects.filter(article=article).values_list("views", flat=True))


def test_beacons_are_buffered_then_flushed_as_daily_views(client):
    story = ArticleFactory()

    for _ in range(5):
        response = beacon(client, story.pk)
        assert response.status_code == 204
        assert not response.cookies  # nothing set on the reader
    assert not ArticleDailyViews.objects.exists()  # nothing written yet

    assert flush_read_counts() == 5
    assert views_of(story) == 5
    assert flush_read_counts() == 0  # the buffer is empty now
    assert views_of(story) == 5


def test_a_page_view_writes_nothing_to_the_database(client):
    story = ArticleFactory()
    beacon(client, story.pk)  # the first one looks the story up (a read)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(30):
            beacon(client, story.pk)

    assert queries.captured_queries == []


def test_the_beacon_still_counts_behind_the_page_cache(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    story = ArticleFactory()

    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    html = second.content.decode()
    assert f'data-article="{story.pk}"' in html and 'data-url="/reads/"' in html
    assert "csrfmiddlewaretoken" not in html

    # Both readers got the same cached copy; each copy's script sends its beacon.
    beacon(client, story.pk)
    beacon(client, story.pk, ip="198.51.100.8")
    flush_read_counts()

    assert views_of(story) == 2


@pytest.mark.parametrize(
    ("article_id", "agent"),
    [
        (None, "browser"),
        ("", "browser"),
        ("not-a-number", "browser"),
        ("-3", "browser"),
        ("999999", "browser"),
        ("story", None),
        ("story", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        ("story", "facebookexternalhit/1.1"),
        ("story", "curl/8.5.0"),
        ("story", "python-requests/2.32"),
    ],
)
def test_bots_and_made_up_ids_are_ignored(client, article_id, agent):
    story = ArticleFactory()
    article_id = story.pk if article_id == "story" else article_id
    kwargs = {} if agent == "browser" else {"agent": agent}

    assert beacon(client, article_id, **kwargs).status_code == 204
    flush_read_counts()

    assert not ArticleDailyViews.objects.exists()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.WITHDRAWN])
def test_stories_readers_cannot_see_are_not_counted(client, status):
    story = ArticleFactory(status=status)

    beacon(client, story.pk)
    flush_read_counts()

    assert not ArticleDailyViews.objects.exists()


def test_prefetches_are_not_reads(client):
    story = ArticleFactory()

    beacon(client, story.pk, HTTP_SEC_PURPOSE="prefetch;prerender")
    flush_read_counts()

    assert not ArticleDailyViews.objects.exists()


def test_beacons_are_rate_limited_per_ip_without_storing_the_address(client, settings):
    settings.READ_BEACON_RATE_LIMIT_PER_IP = "3/d"  # a day: no window boundary mid-test
    story = ArticleFactory()

    for _ in range(6):
        beacon(client, story.pk, ip="203.0.113.99")
    beacon(client, story.pk, ip="203.0.113.100")  # another reader still counts
    flush_read_counts()

    assert views_of(story) == 4
    # The local-memory cache's keys: the address appears nowhere, only a hash of it.
    keys = " ".join(str(key) for key in cache._cache)
    assert "203.0.113.99" not in keys and "ratelimit:read-beacon-ip" in keys


def test_get_is_refused(client):
    story = ArticleFactory()

    assert client.get("/reads/", {"article": story.pk}).status_code == 405


def test_every_n_beacons_flush_in_the_process_that_counts(client, settings):
    settings.READ_COUNT_FLUSH_EVERY = 3
    story = ArticleFactory()

    beacon(client, story.pk)
    beacon(client, story.pk)
    assert not ArticleDailyViews.objects.exists()
    beacon(client, story.pk)

    assert views_of(story) == 3
