"""A scheduled story appears by itself at its time on every listing, feed and sitemap, with
the page cache on: invisible one second before, visible one second after (clock frozen)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def listing_urls(story, author):
    section = story.section.slug
    return [
        "/",
        f"/section/{section}/",
        f"/author/{author.slug}/",
        "/tag/ferries/",
        "/news-feed/",
        "/feed/",
        "/feed/atom/",
        f"/section/{section}/feed/",
        f"/author/{author.slug}/feed/",
        "/tag/ferries/feed/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/search/?q=hydrofoil",
    ]


def test_scheduled_story_appears_at_its_time_everywhere(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STALE_SECONDS = 300  # only the schedule may end a cached copy here
    section = SectionFactory(slug="coast")
    author = AuthorFactory(slug="mila-coast")
    # Something already out in every listing, so each page exists (and is cached) before.
    ArticleFactory(section=section, authors=[author], tag_names=["ferries"], in_news_feed=True)
    at = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    story = ArticleFactory(
        headline="Hydrofoil link to the islands opens",
        section=section,
        authors=[author],
        tag_names=["ferries"],
        in_news_feed=True,
        status="scheduled",
        publish_at=at,
    )
    urls = listing_urls(story, author)

    with freeze_time(at - timedelta(seconds=1)) as clock:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert story.get_absolute_url() not in response.content.decode(), url
        assert client.get(story.get_absolute_url()).status_code == 404
        assert client.get("/")["X-Page-Cache"] == "hit"  # the page cache is really on

        clock.move_to(at + timedelta(seconds=1))
        for url in urls:
            response = client.get(url)
            assert story.get_absolute_url() in response.content.decode(), url
        assert client.get(story.get_absolute_url()).status_code == 200
