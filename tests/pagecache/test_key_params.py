"""`page` is part of a page's cache key only for views that paginate: on any other page a
`?page=` value is ignored like `?utm_source=`, so it can neither make a second copy nor
send a request past the cache."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.articles.reader_helpers import full_story
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def cache_status(response):
    return response.headers.get("X-Page-Cache")


def stored_pages():
    return [key for key in cache._cache if ":pagecache:page:" in key]


@pytest.fixture
def story():
    story = full_story(photo=False)
    for _ in range(21):  # a second page of the section
        full_story(section=story.section, photo=False)
    return story


def views_without_pages(story):
    return [
        reverse("articles:home"),
        story.get_absolute_url(),
        reverse("articles:feed"),
        story.section.get_absolute_url() + "feed/",
    ]


@pytest.mark.parametrize("value", ["2", "3", "999999", "x" * 40, ""])
def test_a_page_value_on_a_view_that_does_not_paginate_shares_its_one_copy(client, story, value):
    for url in views_without_pages(story):
        first = client.get(url)
        assert cache_status(first) == "miss"
        paged = client.get(url, {"page": value})
        assert cache_status(paged) == "hit", url
        assert paged.content == first.content
    assert len(stored_pages()) == len(views_without_pages(story))


def test_made_up_page_numbers_cannot_fill_the_cache_or_pass_it(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        for number in range(2, 50):
            assert cache_status(client.get(url, {"page": number})) == "hit"
    assert len(stored_pages()) == 1


@pytest.mark.parametrize("name", ["section", "news_feed", "corrections", "newsletter archive"])
def test_views_that_paginate_keep_a_copy_per_page(client, story, name):
    if name == "section":
        url = story.section.get_absolute_url()
    elif name == "newsletter archive":
        url = NewsletterFactory(is_public=True).get_absolute_url()
    else:
        url = reverse(f"articles:{name}")
    assert cache_status(client.get(url)) == "miss"
    second = client.get(url, {"page": 2})
    assert cache_status(second) in {"miss", None}  # page 2 may not exist: then a 404
    if second.status_code == 200:
        assert cache_status(client.get(url, {"page": 2})) == "hit"
    assert cache_status(client.get(url, {"page": "x" * 40})) is None  # junk: no copy


def test_the_second_page_of_a_section_is_its_own_copy(client, story):
    url = story.section.get_absolute_url()
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert cache_status(second) == "miss"
    assert second.content != first.content
    assert cache_status(client.get(url, {"page": 2})) == "hit"
