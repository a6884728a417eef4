"""A live story as readers meet it in listings: a "Live" badge on every card while its
coverage runs, and the word said once on each card, feed item and story page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, SectionFactory
from tests.live.factories import LiveStoryFactory, LiveUpdateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]

BADGE = 'class="live-badge'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def card_of(html, story):
    """The card (or search result, or feed item) that links to `story`."""
    link = f'href="{story.get_absolute_url()}"'
    for card in re.findall(r"<(?:article|li)[^>]*>.*?</(?:article|li)>", html, re.S):
        if link in card and "<h" in card:
            return card
    raise AssertionError(f"no card for {story.slug}")


def test_a_live_story_card_carries_the_badge_on_home_section_and_search(client):
    section = SectionFactory(name="National")
    live = LiveStoryFactory(section=section, headline="Storm over the coast", is_featured=True)
    ArticleFactory.create_batch(4, section=section)

    for url in (
        reverse("articles:home"),
        section.get_absolute_url(),
        reverse("articles:search") + "?q=storm",
    ):
        assert BADGE in card_of(page(client, url), live), url


def test_a_live_story_card_carries_the_badge_in_the_story_rail(client):
    live = LiveStoryFactory(headline="Storm over the coast", is_editors_pick=True)
    other = ArticleFactory()

    rail = page(client, other.get_absolute_url()).split('<aside class="rail"', 1)[1]
    assert BADGE in card_of(rail, live)


def test_a_live_story_in_the_news_feed_carries_the_badge(client):
    live = LiveStoryFactory(headline="Storm over the coast", in_news_feed=True)

    assert BADGE in card_of(page(client, reverse("articles:news_feed")), live)


def test_ended_coverage_and_ordinary_stories_have_no_badge(client):
    section = SectionFactory(name="National")
    ended = LiveStoryFactory(
        section=section,
        headline="Storm over the coast",
        coverage_end_at=timezone.now() - timedelta(minutes=1),
    )
    ordinary = ArticleFactory(section=section)

    html = page(client, section.get_absolute_url())
    assert BADGE not in card_of(html, ended)
    assert BADGE not in card_of(html, ordinary)


def test_a_live_update_in_the_news_feed_says_live_once(client):
    update = LiveUpdateFactory(article__headline="Storm over the coast")

    html = page(client, reverse("articles:news_feed"))
    item = html[html.index(f'id="feed-update-{update.pk}"') :].split("</li>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", item)  # what a reader sees, not class names
    assert len(re.findall(r"\blive\b", text, re.I)) == 1, text
    assert BADGE in item


def test_the_live_story_page_says_live_once_above_the_updates(client):
    story = LiveStoryFactory(headline="Storm over the coast")
    LiveUpdateFactory(article=story)

    html = page(client, story.get_absolute_url())
    story_part = html.split('<article class="story">', 1)[1].split('id="live-updates"', 1)[0]
    live_part = html.split('id="live-updates"', 1)[1].split("</section>", 1)[0]
    assert story_part.count(BADGE) == 1
    assert BADGE not in live_part
