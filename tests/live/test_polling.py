"""The JSON the open pages poll: the News Feed and each live story. Cached briefly, cheap."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from live.models import LiveUpdate
from tests.factories import ArticleFactory, SectionFactory
from tests.live.factories import LiveStoryFactory, LiveUpdateFactory

pytestmark = pytest.mark.django_db

FEED_JSON_QUERIES = 2  # feed stories, live updates
LIVE_JSON_QUERIES = 2  # the live story, its updates


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def feed():
    section = SectionFactory(name="National")
    story = ArticleFactory(
        section=section, in_news_feed=True, headline="Trains run again", publish_at=ago(minutes=30)
    )
    live = LiveStoryFactory(section=section, headline="Storm live")
    update = LiveUpdateFactory(article=live, headline="Wind drops", published_at=ago(minutes=10))
    ArticleFactory(section=section, in_news_feed=False, headline="Long read")
    ArticleFactory(section=section, in_news_feed=True, status="draft", headline="Draft brief")
    return story, live, update


def test_news_feed_json_merges_stories_and_live_updates_newest_first(client, feed):
    story, live, update = feed

    response = client.get(reverse("live:news_feed_json"))

    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=5"}
    items = response.json()["items"]
    assert [item["key"] for item in items] == [f"update-{update.pk}", f"story-{story.pk}"]
    assert items[0]["live"] is True and items[0]["label"] == "Storm live"
    assert items[0]["url"] == f"{live.get_absolute_url()}#update-{update.pk}"
    assert items[1]["headline"] == "Trains run again" and items[1]["label"] == "National"
    assert items[1]["day_heading"].startswith(("Today, ", "Yesterday, "))


def test_news_feed_json_since_returns_only_newer_items(client, feed):
    story, live, update = feed
    newest = ArticleFactory(in_news_feed=True, headline="Just in", publish_at=ago(seconds=5))

    since = timezone.localtime(ago(minutes=2)).isoformat()
    items = client.get(reverse("live:news_feed_json"), {"since": since}).json()["items"]

    assert [item["key"] for item in items] == [f"story-{newest.pk}"]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-45T99:00", "x" * 500, ""])
def test_odd_since_values_answer_the_latest_items(client, feed, since):
    response = client.get(reverse("live:news_feed_json"), {"since": since})

    assert response.status_code == 200 and len(response.json()["items"]) == 2


@pytest.mark.parametrize("stories", [3, 30])
def test_news_feed_json_costs_the_same_whatever_it_lists(
    client, django_assert_num_queries, stories
):
    live = LiveStoryFactory()
    for number in range(stories):
        ArticleFactory(in_news_feed=True, publish_at=ago(minutes=number + 1))
        LiveUpdateFactory(article=live, published_at=ago(minutes=number + 1, seconds=30))

    with django_assert_num_queries(FEED_JSON_QUERIES):
        client.get(reverse("live:news_feed_json"))


def test_feed_page_and_home_block_show_live_updates(client, feed):
    story, live, update = feed

    for url in (reverse("articles:news_feed"), "/"):
        html = client.get(url).content.decode()
        assert "Wind drops" in html and "Trains run again" in html
        assert f'href="{live.get_absolute_url()}#update-{update.pk}"' in html
        assert 'data-feed-url="/news-feed.json"' in html
        assert "Long read" not in html.split('id="feed-block-title"')[-1] or url == "/"
        assert "Draft brief" not in html


def test_feed_page_two_stops_polling_and_pages_through_both_sources(client):
    live = LiveStoryFactory()
    for number in range(20):
        ArticleFactory(
            in_news_feed=True, headline=f"Brief {number:02}", publish_at=ago(minutes=2 * number + 1)
        )
        LiveUpdateFactory(
            article=live, headline=f"Update {number:02}", published_at=ago(minutes=2 * number + 2)
        )

    first = client.get(reverse("articles:news_feed")).content.decode()
    second = client.get(reverse("articles:news_feed"), {"page": 2}).content.decode()

    assert "Brief 14" in first and "Update 14" in first and "Brief 15" not in first
    assert "Brief 15" in second and "Update 19" in second and "Brief 14" not in second
    assert 'rel="next"' in first and 'rel="next"' not in second
    assert "data-feed-url" in first and "data-feed-url" not in second


def test_live_json_sends_new_and_edited_updates_as_html(client):
    live = LiveStoryFactory()
    old = LiveUpdateFactory(article=live, headline="Early update", published_at=ago(hours=2))
    LiveUpdateFactory(article=live, headline="Midday update", published_at=ago(hours=1))
    LiveUpdate.objects.update(modified_at=ago(hours=1))  # written when they were posted
    url = reverse("live:updates_json", args=[live.slug])
    since = timezone.localtime(ago(minutes=20)).isoformat()

    assert client.get(url, {"since": since}).json()["updates"] == []

    new = LiveUpdateFactory(article=live, headline="Evening update", published_at=ago(minutes=1))
    old.headline = "Early update (corrected)"
    old.save(update_fields=["headline", "modified_at"])
    response = client.get(url, {"since": since})

    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=5"}
    data = response.json()
    assert [update["key"] for update in data["updates"]] == [f"update-{old.pk}", f"update-{new.pk}"]
    assert "Early update (corrected)" in data["updates"][0]["html"]
    assert f'id="update-{new.pk}"' in data["updates"][1]["html"]
    assert data["ended"] is False


def test_live_json_says_when_coverage_ended(client):
    live = LiveStoryFactory(coverage_end_at=ago(minutes=1))

    data = client.get(reverse("live:updates_json", args=[live.slug])).json()

    assert data["ended"] is True


@pytest.mark.parametrize("kind", ["draft", "not_live"])
def test_live_json_only_for_public_live_stories(client, kind):
    story = LiveStoryFactory(status="draft") if kind == "draft" else ArticleFactory()

    assert client.get(reverse("live:updates_json", args=[story.slug])).status_code == 404


@pytest.mark.parametrize("updates", [2, 25])
def test_live_json_costs_the_same_whatever_it_lists(client, django_assert_num_queries, updates):
    live = LiveStoryFactory()
    for number in range(updates):
        LiveUpdateFactory(article=live, published_at=ago(minutes=number + 1))

    with django_assert_num_queries(LIVE_JSON_QUERIES):
        data = client.get(reverse("live:updates_json", args=[live.slug])).json()
    assert len(data["updates"]) == updates
