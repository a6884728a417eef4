"""Query counts of the reader pages, pinned: a page costs the same whatever it lists.

Each test asks for the page once to fill the navigation cache, then counts a second request.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline
from tests.articles.reader_helpers import full_story, photo_with_renditions
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

# story, tags, embeds (+ their target stories), bylines of the story and of its cards'
# targets (+ authors and their photos), News Feed stories + live updates, Featured, Editors'
# Picks + one bylines query for both, approved comments (Most popular is a cached fragment)
STORY_PAGE_QUERIES = 10
# featured, picks + their bylines, latest by section (one windowed query) + bylines,
# feed stories + live updates (Most popular is a cached fragment)
HOME_QUERIES = 7
# the section/author/tag, the count, the page of stories, their bylines
LISTING_QUERIES = 4
# feed stories, live updates (live.feed merges them)
FEED_QUERIES = 2


def count_queries(client, django_assert_num_queries, url, expected):
    assert client.get(url).status_code == 200  # warms the navigation cache
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def listing(section, author, count):
    """`count` published stories in `section`, each by `author` and one more writer, tagged.

    The first is featured and the second an editors' pick, so every home page block has
    stories whatever the count.
    """
    for number in range(count):
        story = ArticleFactory(
            section=section,
            lead_photo=photo_with_renditions() if number < 3 else None,
            in_news_feed=True,
            is_featured=number == 0,
            is_editors_pick=number == 1,
            publish_at=timezone.now() - timedelta(minutes=number + 1),
            tag_names=["Energy"],
        )
        Byline.objects.create(article=story, author=author, position=0)
        Byline.objects.create(article=story, author=AuthorFactory(), position=1)


@pytest.mark.parametrize(
    ("authors", "tags", "embeds"),
    [(1, 0, 0), (5, 0, 0), (1, 10, 0), (1, 0, 6), (5, 10, 6)],
)
def test_story_page_queries_do_not_grow(client, django_assert_num_queries, authors, tags, embeds):
    story = full_story(authors=authors, tags=tags, embeds=embeds)
    for author in story.byline_authors:
        author.photo = story.lead_photo
        author.save(update_fields=["photo"])
    for _ in range(3):
        full_story(section=story.section, in_news_feed=True, is_editors_pick=True, authors=2)

    response = count_queries(
        client, django_assert_num_queries, story.get_absolute_url(), STORY_PAGE_QUERIES
    )

    assert response.content.decode().count('class="author-box"') == authors


@pytest.mark.parametrize(("stories", "sections"), [(5, 1), (50, 5)])
def test_home_queries_do_not_grow(client, django_assert_num_queries, stories, sections):
    author = AuthorFactory()
    for _ in range(sections):
        listing(SectionFactory(), author, stories // sections)

    count_queries(client, django_assert_num_queries, reverse("articles:home"), HOME_QUERIES)


@pytest.mark.parametrize("stories", [5, 50])
def test_section_page_queries_do_not_grow(client, django_assert_num_queries, stories):
    section = SectionFactory()
    listing(section, AuthorFactory(), stories)

    count_queries(client, django_assert_num_queries, section.get_absolute_url(), LISTING_QUERIES)


@pytest.mark.parametrize("stories", [5, 50])
def test_author_page_queries_do_not_grow(client, django_assert_num_queries, stories):
    author = AuthorFactory(photo=photo_with_renditions())
    listing(SectionFactory(), author, stories)

    count_queries(client, django_assert_num_queries, author.get_absolute_url(), LISTING_QUERIES)


@pytest.mark.parametrize("stories", [5, 50])
def test_tag_page_queries_do_not_grow(client, django_assert_num_queries, stories):
    listing(SectionFactory(), AuthorFactory(), stories)

    url = reverse("articles:tag", args=["energy"])
    count_queries(client, django_assert_num_queries, url, LISTING_QUERIES)


@pytest.mark.parametrize("stories", [5, 50])
def test_news_feed_queries_do_not_grow(client, django_assert_num_queries, stories):
    listing(SectionFactory(), AuthorFactory(), stories)

    url = reverse("articles:news_feed")
    count_queries(client, django_assert_num_queries, url, FEED_QUERIES)


def test_navigation_costs_one_query_then_comes_from_the_cache(client, django_assert_num_queries):
    section = SectionFactory()
    listing(section, AuthorFactory(), 3)

    # Cold: the navigation sections and the header's static-pages menu, one query each.
    with django_assert_num_queries(LISTING_QUERIES + 2):
        client.get(section.get_absolute_url())
    with django_assert_num_queries(LISTING_QUERIES):
        client.get(section.get_absolute_url())
