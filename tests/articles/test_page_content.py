"""What each reader page shows, counted: cards per listing, the rail's blocks, and the fields
of every card. Issue 17 made these pages several times faster; this pins that the speed was
won by doing the same work faster, not by showing less. Run with the caches off and on.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from popularity.models import ArticleDailyViews
from subscriptions.models import Newsletter
from tests.articles.reader_helpers import photo_with_renditions, start_tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]

SECTIONS = 3
STORIES_PER_SECTION = 25  # more than a section page (20) and a home block (4) show


@pytest.fixture
def newsroom():
    """Three sections of 25 published stories, each with a photo, two bylines and a tag;
    the newest two of each section featured and editors' picks, all in the news feed."""
    author, other = AuthorFactory(name="Oksana Lys"), AuthorFactory(name="Taras Hrin")
    photo = photo_with_renditions()
    sections = [SectionFactory(position=number) for number in range(SECTIONS)]
    now = timezone.now()
    for index in range(STORIES_PER_SECTION):
        for section in sections:
            story = ArticleFactory(
                section=section,
                lead_photo=photo,
                dek=f"What happened, part {index}.",
                in_news_feed=True,
                is_featured=index < 2,
                is_editors_pick=2 <= index < 4,
                publish_at=now - timedelta(minutes=index * SECTIONS + section.position + 1),
                tag_names=["Energy"],
            )
            Byline.objects.create(article=story, author=author, position=0)
            Byline.objects.create(article=story, author=other, position=1)
    Newsletter.objects.create(name="Morning Briefing", slug="morning", description="Five stories.")
    # Reads for Most popular: one day's counts for the ten newest stories.
    for rank, story in enumerate(Article.objects.order_by("-publish_at")[:10]):
        ArticleDailyViews.objects.create(article=story, day=timezone.localdate(), views=100 - rank)
    return {"sections": sections, "author": author}


def cards(html):
    return [a for a in start_tags(html, "article") if "card" in a.get("class", "").split()]


def count(html, element, css_class):
    return sum(css_class in attrs.get("class", "").split() for attrs in start_tags(html, element))


def card_fields(html):
    """Per card: a picture, a section label (unless inside one section's block), a headline
    link, an excerpt where the layout shows one, bylines and a time."""
    return {
        "pictures": count(html, "a", "card__media"),
        "labels": count(html, "a", "label"),
        "headlines": count(html, "h2", "card__headline") + count(html, "h3", "card__headline"),
        "excerpts": count(html, "p", "card__excerpt"),
        "bylines": count(html, "span", "card__byline"),
        "authors": count(html, "a", "byline__author"),
        "times": len(start_tags(html, "time")),
    }


def rail_blocks(html):
    titles = [a.get("id", "") for a in start_tags(html, "h2")]
    return sorted(t for t in titles if t.endswith("-title"))


def test_the_section_page_shows_twenty_full_cards(client, newsroom):
    html = client.get(newsroom["sections"][0].get_absolute_url()).content.decode()

    assert len(cards(html)) == 20
    assert card_fields(html) == {
        "pictures": 20,
        "labels": 0,  # one section: its cards carry no section label
        "headlines": 20,
        "excerpts": 20,
        "bylines": 20,
        "authors": 40,
        "times": 20,
    }
    assert 'rel="next"' in html or "pagination" in html


def test_the_home_page_shows_every_block_and_card(client, newsroom):
    html = client.get(reverse("articles:home")).content.decode()

    # lead + 2 top stories, 4 editors' picks, 4 newest of each of 3 section blocks
    assert len(cards(html)) == 3 + 4 + 4 * SECTIONS
    fields = card_fields(html)
    assert fields["pictures"] == fields["headlines"] == 3 + 4 + 4 * SECTIONS
    assert fields["excerpts"] == 3  # the lead and the top stories
    assert fields["labels"] >= 3 + 4  # top stories and picks name their section
    assert fields["bylines"] == 3 + 4 + 4 * SECTIONS
    assert rail_blocks(html) == sorted(
        ["feed-block-title", "popular-block-title", "picks-title"]
        + [f"section-{section.slug}-title" for section in newsroom["sections"]]
    )
    assert count(html, "section", "signup-box") == 1
    assert count(html, "li", "popular-block__item") == 5


def test_a_story_page_keeps_its_rail_and_closing_blocks(client, newsroom):
    story = newsroom["sections"][1].articles.order_by("publish_at").first()
    html = client.get(story.get_absolute_url()).content.decode()

    # Featured (3 cards) and Editors' Picks (4 compact cards) beside the story
    assert len(cards(html)) == 3 + 4
    assert count(html, "article", "card--compact") == 4
    assert rail_blocks(html) == [
        "comments-title",
        "featured-title",
        "feed-block-title",
        "popular-block-title",
        "rail-picks-title",
        "share-title",
    ]
    assert count(html, "li", "popular-block__item") == 5
    assert count(html, "section", "signup-box") == 1
    assert 'class="byline' in html


@pytest.mark.parametrize("page", ["author", "tag"])
def test_author_and_tag_pages_show_twenty_full_cards(client, newsroom, page):
    url = (
        newsroom["author"].get_absolute_url()
        if page == "author"
        else reverse("articles:tag", kwargs={"slug": "energy"})
    )
    html = client.get(url).content.decode()

    assert len(cards(html)) == 20
    fields = card_fields(html)
    assert fields["pictures"] == fields["headlines"] == fields["labels"] == 20
    assert fields["bylines"] == fields["excerpts"] == 20
