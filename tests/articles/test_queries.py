"""Query counts of the reader pages, pinned: a page costs the same whatever it lists.

Every request renders (the page cache is off), in two ways: with the shared blocks and data
on, as a page-cache miss costs in production, and with them off, when the page reads
everything itself. Each test asks for the page once to warm what is kept, then counts a
second request.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline
from tests.articles.reader_helpers import full_story, photo_with_renditions
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block, place

pytestmark = pytest.mark.django_db

BLOCKS_ON, ALL_OFF = "blocks on", "all off"
# With everything off a page also reads what its shared blocks and data hold: the static
# pages (for the header's menu key, the masthead and the footer: three reads), the
# navigation sections (masthead and footer), the ranking in Most popular, and the
# newsletters a signup box offers (its section's, the default ones, any one: three here).
SITE_WIDE = 3 + 2
MOST_POPULAR = 1
SIGNUP_BOX = 3

# story, tags, bylines of the story and of its cards' stories (+ authors and their photos),
# approved comments; off, the story rail too (News Feed stories + live updates, Featured,
# Editors' Picks + one bylines query for both)
STORY_PAGE_QUERIES = {BLOCKS_ON: 4, ALL_OFF: 4 + 5 + SITE_WIDE + MOST_POPULAR + SIGNUP_BOX}
# A body with blocks adds one query for its cards' stories and one for its photos (link
# cards' pictures and photo blocks), however many there are, and none without them.
CARD_STORIES = PHOTOS = 1
# featured, picks + their bylines, latest by section (one windowed query) + bylines,
# feed stories + live updates
HOME_QUERIES = {BLOCKS_ON: 7, ALL_OFF: 7 + SITE_WIDE + MOST_POPULAR + SIGNUP_BOX}
# the section/author/tag, the count, the page of stories, their bylines
LISTING_QUERIES = {BLOCKS_ON: 4, ALL_OFF: 4 + SITE_WIDE}
# feed stories, live updates (live.feed merges them)
FEED_QUERIES = {BLOCKS_ON: 2, ALL_OFF: 2 + SITE_WIDE}


@pytest.fixture(params=[BLOCKS_ON, ALL_OFF])
def caches(request, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.PAGE_CACHE_FRAGMENTS = request.param == BLOCKS_ON
    settings.PAGE_CACHE_STALE_SECONDS = 300  # nothing expires between the two requests
    return request.param


def count_queries(client, django_assert_num_queries, url, expected):
    assert client.get(url).status_code == 200  # warms the shared blocks and data
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
def test_story_page_queries_do_not_grow(
    client, django_assert_num_queries, caches, authors, tags, embeds
):
    story = full_story(authors=authors, tags=tags, embeds=embeds)
    for author in story.byline_authors:
        author.photo = story.lead_photo
        author.save(update_fields=["photo"])
    for _ in range(3):
        full_story(section=story.section, in_news_feed=True, is_editors_pick=True, authors=2)

    expected = STORY_PAGE_QUERIES[caches] + (CARD_STORIES if embeds else 0)
    response = count_queries(client, django_assert_num_queries, story.get_absolute_url(), expected)

    assert response.content.decode().count('class="author-box"') == authors
    assert response.content.decode().count('class="embed embed--story"') == (embeds + 2) // 3


@pytest.mark.parametrize("photos", [1, 6])
def test_story_page_photo_blocks_cost_one_query(client, django_assert_num_queries, caches, photos):
    story = full_story(embeds=3)
    place(
        story,
        *[block("photo", photo=photo_with_renditions().pk) for _ in range(photos)],
        block("quote", text="We waited ten years.", attribution="A resident"),
        after=2,
    )
    for _ in range(3):
        full_story(section=story.section, in_news_feed=True, is_editors_pick=True, authors=2)
    expected = STORY_PAGE_QUERIES[caches] + CARD_STORIES + PHOTOS
    response = count_queries(client, django_assert_num_queries, story.get_absolute_url(), expected)

    assert response.content.decode().count('class="block-photo"') == photos


@pytest.mark.parametrize(("stories", "sections"), [(5, 1), (50, 5)])
def test_home_queries_do_not_grow(client, django_assert_num_queries, caches, stories, sections):
    author = AuthorFactory()
    for _ in range(sections):
        listing(SectionFactory(), author, stories // sections)

    count_queries(client, django_assert_num_queries, reverse("articles:home"), HOME_QUERIES[caches])


@pytest.mark.parametrize("stories", [5, 50])
def test_section_page_queries_do_not_grow(client, django_assert_num_queries, caches, stories):
    section = SectionFactory()
    listing(section, AuthorFactory(), stories)

    count_queries(
        client, django_assert_num_queries, section.get_absolute_url(), LISTING_QUERIES[caches]
    )


@pytest.mark.parametrize("stories", [5, 50])
def test_author_page_queries_do_not_grow(client, django_assert_num_queries, caches, stories):
    author = AuthorFactory(photo=photo_with_renditions())
    listing(SectionFactory(), author, stories)

    count_queries(
        client, django_assert_num_queries, author.get_absolute_url(), LISTING_QUERIES[caches]
    )


@pytest.mark.parametrize("stories", [5, 50])
def test_tag_page_queries_do_not_grow(client, django_assert_num_queries, caches, stories):
    listing(SectionFactory(), AuthorFactory(), stories)

    url = reverse("articles:tag", args=["energy"])
    count_queries(client, django_assert_num_queries, url, LISTING_QUERIES[caches])


@pytest.mark.parametrize("stories", [5, 50])
def test_news_feed_queries_do_not_grow(client, django_assert_num_queries, caches, stories):
    listing(SectionFactory(), AuthorFactory(), stories)

    url = reverse("articles:news_feed")
    count_queries(client, django_assert_num_queries, url, FEED_QUERIES[caches])


def test_navigation_costs_one_query_then_comes_from_the_generation(
    client, django_assert_num_queries, shared_blocks
):
    """Data kept on the generation (pagecache.cached): read once, then from the cache."""
    section = SectionFactory()
    listing(section, AuthorFactory(), 3)

    # Cold: the next scheduled story (read once per generation), the navigation sections and
    # the header's static-pages menu, one query each.
    with django_assert_num_queries(LISTING_QUERIES[BLOCKS_ON] + 3):
        client.get(section.get_absolute_url())
    with django_assert_num_queries(LISTING_QUERIES[BLOCKS_ON]):
        client.get(section.get_absolute_url())
