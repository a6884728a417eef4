"""The "Most popular" block: the most read stories of the last 7 days, cached for everyone."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.models import Article
from popularity.models import ArticleDailyViews
from popularity.services import most_read
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def reads(story, views, days_ago=0):
    ArticleDailyViews.objects.create(
        article=story, day=timezone.localdate() - timedelta(days=days_ago), views=views
    )


@pytest.fixture
def ranked():
    first = ArticleFactory(headline="Grain corridor reopens for ships")
    second = ArticleFactory(headline="New bridge opens to traffic")
    third = ArticleFactory(headline="Museum returns looted paintings")
    reads(first, 50)
    reads(first, 40, days_ago=6)
    reads(second, 70, days_ago=1)
    reads(third, 10)
    reads(third, 500, days_ago=7)  # a week ago: outside the window
    withdrawn = ArticleFactory(headline="Withdrawn story", status=Article.Status.WITHDRAWN)
    reads(withdrawn, 1000)
    return first, second, third


def test_most_read_sums_the_last_seven_days(ranked):
    first, second, third = ranked

    top = list(most_read())

    assert top == [first, second, third]
    assert [story.recent_views for story in top] == [90, 70, 10]


def test_most_read_is_limited(ranked, settings):
    settings.MOST_POPULAR_COUNT = 2

    assert len(most_read()) == 2


def test_block_is_a_numbered_list_on_home_and_story_pages(client, ranked):
    first, second, third = ranked
    story = ArticleFactory()

    for url in ("/", story.get_absolute_url()):
        html = client.get(url).content.decode()
        block = html[html.index('id="popular-block-title"') :]
        assert "Most popular" in html
        assert (
            block.index(first.headline) < block.index(second.headline) < block.index(third.headline)
        )
        assert '<ol class="popular-block__list">' in block
        assert "Withdrawn story" not in block


BLOCK = Template('{% load pagecache_tags %}{% shared_block "most-popular" %}')


def most_popular():
    return BLOCK.render(Context())


def test_block_is_ranked_and_rendered_once_per_generation(
    django_assert_num_queries, ranked, shared_blocks
):
    with django_assert_num_queries(2):  # the next scheduled story, the ranking
        html = most_popular()
    with django_assert_num_queries(0):
        assert most_popular() == html


def test_no_block_before_anything_was_read(client):
    ArticleFactory()

    assert "Most popular" not in client.get("/").content.decode()


def test_withdrawing_a_story_retires_the_cached_block_at_once(ranked, shared_blocks):
    from pagecache.state import bump_generation

    first, second, third = ranked
    assert first.headline in most_popular()

    first.status = first.Status.WITHDRAWN
    first.save(update_fields=["status"])
    bump_generation()  # what services.withdraw() does through invalidate_pages() on commit

    assert first.headline not in most_popular()
