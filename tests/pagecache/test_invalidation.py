"""What retires cached pages (and what must not), and how long a copy may live.

The bound is raised to five minutes where a test is about invalidation, so only the change
itself, never the copy's age, can explain a fresh page.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles import services
from articles.models import Article, Byline
from tests.articles.reader_helpers import full_story
from tests.factories import ArticleFactory, AuthorFactory
from tests.pagecache.test_page_cache import cache_control, cache_status, shared_life

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def long_bound(page_cache):
    page_cache.PAGE_CACHE_STALE_SECONDS = 300


@pytest.fixture
def story():
    story = full_story(authors=1, tags=1, is_editors_pick=False)
    story.lead_photo.refresh_from_db()
    return story


def warm(client, *urls):
    for url in urls:
        assert cache_status(client.get(url)) == "miss", url
        assert cache_status(client.get(url)) == "hit", url


def draft(**kwargs):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, **kwargs)
    Byline.objects.create(article=article, author=AuthorFactory(), position=0)
    return article


def rename_author(story):
    author = story.byline_authors[0]
    author.name = "Renamed Correspondent"
    author.save(update_fields=["name"])
    return b"Renamed Correspondent"


def rename_section(story):
    section = story.section
    section.name = "Renamed Desk"
    section.save(update_fields=["name"])
    return b"Renamed Desk"


def add_byline(story):
    Byline.objects.create(article=story, author=AuthorFactory(name="Second Reporter"), position=5)
    return b"Second Reporter"


def tag_story(story):
    story.tags.add("Flood defences")
    return b"Flood defences"


def recaption_photo(story):
    photo = story.lead_photo
    photo.caption = "A recaptioned picture"
    photo.save(update_fields=["caption"])
    return b"A recaptioned picture"


def edit_headline(story):
    story.headline = "A corrected headline"
    services.save_story(article=story, by=None)
    return b"A corrected headline"


def pick_story(story):
    services.set_story_flags([story], is_editors_pick=True)
    return None


@pytest.mark.usefixtures("long_bound")
@pytest.mark.parametrize(
    "change",
    [
        rename_author,
        rename_section,
        add_byline,
        tag_story,
        recaption_photo,
        edit_headline,
        pick_story,
    ],
)
def test_a_change_readers_see_retires_every_cached_page_at_once(
    client, story, change, django_capture_on_commit_callbacks
):
    urls = [story.get_absolute_url(), reverse("articles:home")]
    warm(client, *urls)

    with django_capture_on_commit_callbacks(execute=True):
        expected = change(story)

    for url in urls:
        response = client.get(url)
        assert cache_status(response) == "miss", url
    if expected:
        assert expected in client.get(story.get_absolute_url()).content


@pytest.mark.usefixtures("long_bound")
def test_publishing_a_story_shows_it_on_the_home_page_at_once(
    client, story, django_capture_on_commit_callbacks
):
    home = reverse("articles:home")
    article = draft(headline="Breaking: the dam holds", in_news_feed=True)
    warm(client, home)
    assert b"Breaking: the dam holds" not in client.get(home).content

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(article, by=None)

    response = client.get(home)
    assert cache_status(response) == "miss"
    assert b"Breaking: the dam holds" in response.content


@pytest.mark.usefixtures("long_bound")
def test_withdrawing_a_story_takes_its_page_down_at_once(
    client, story, django_capture_on_commit_callbacks
):
    url = story.get_absolute_url()
    warm(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(story)

    assert client.get(url).status_code in (404, 410)


@pytest.mark.usefixtures("long_bound")
def test_work_on_drafts_keeps_the_cache_warm(client, story, django_capture_on_commit_callbacks):
    urls = [story.get_absolute_url(), reverse("articles:home")]
    article = draft()
    warm(client, *urls)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.headline = "Still being written"
        services.save_story(article=article, by=None)
        Byline.objects.create(article=article, author=AuthorFactory(), position=1)
        article.tags.add("Unfinished")

    assert callbacks == []
    for url in urls:
        assert cache_status(client.get(url)) == "hit", url


@pytest.mark.usefixtures("long_bound")
def test_a_new_photo_no_page_shows_keeps_the_cache_warm(
    client, story, django_capture_on_commit_callbacks
):
    from tests.articles.reader_helpers import photo_with_renditions

    warm(client, story.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        photo_with_renditions()
    assert callbacks == []


@pytest.mark.usefixtures("long_bound")
def test_an_uncommitted_change_retires_nothing(client, story, django_capture_on_commit_callbacks):
    url = story.get_absolute_url()
    warm(client, url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rename_author(story)
    assert callbacks  # queued for the commit...
    assert cache_status(client.get(url)) == "hit"  # ...and nothing happened before it


def test_a_copy_lives_no_longer_than_the_bound(client, story):
    url = story.get_absolute_url()
    with freeze_time(timezone.now()) as clock:
        assert cache_status(client.get(url)) == "miss"
        clock.tick(4.5)
        response = client.get(url)
        assert cache_status(response) == "hit"
        # Shared caches are told what is left, not the full bound.
        assert "s-maxage=0" in cache_control(response)
        clock.tick(1)
        assert cache_status(client.get(url)) == "miss"


def test_the_bound_is_a_setting(client, story, page_cache):
    page_cache.PAGE_CACHE_STALE_SECONDS = 2
    url = story.get_absolute_url()
    with freeze_time(timezone.now()) as clock:
        response = client.get(url)
        assert shared_life(response) == (1, 1)
        clock.tick(2.1)
        assert cache_status(client.get(url)) == "miss"


@pytest.mark.usefixtures("long_bound")
def test_a_scheduled_story_appears_at_its_time_though_nothing_retired_the_cache(client, story):
    home = reverse("articles:home")
    with freeze_time(timezone.now()) as clock:
        scheduled = ArticleFactory(
            headline="Scheduled: the new timetable",
            status=Article.Status.SCHEDULED,
            publish_at=timezone.now() + timedelta(seconds=30),
            in_news_feed=True,
        )
        Byline.objects.create(article=scheduled, author=AuthorFactory(), position=0)

        first = client.get(home)
        assert cache_status(first) == "miss"
        assert b"Scheduled: the new timetable" not in first.content
        # Shared caches too: fresh for 20 s, then at most 10 s while they refetch.
        assert shared_life(first) == (20, 10)

        clock.tick(29)
        assert cache_status(client.get(home)) == "hit"
        assert client.get(scheduled.get_absolute_url()).status_code == 404

        clock.tick(2)
        response = client.get(home)
        assert cache_status(response) == "miss"
        assert b"Scheduled: the new timetable" in response.content
        assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("long_bound")
@pytest.mark.parametrize("where", ["in a public story's body", "in a draft's body"])
def test_a_photo_in_a_body_block_retires_pages_only_where_readers_see_it(
    client, story, where, django_capture_on_commit_callbacks
):
    from tests.articles.reader_helpers import photo_with_renditions
    from tests.factories import block, place

    photo = photo_with_renditions(caption="The depot at night")
    host = story if where == "in a public story's body" else ArticleFactory(status="draft")
    place(host, block("photo", photo=photo.pk))
    url = story.get_absolute_url()
    warm(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        photo.caption = "The depot at dawn"
        photo.save(update_fields=["caption"])

    if where == "in a draft's body":
        assert cache_status(client.get(url)) == "hit"
    else:
        response = client.get(url)
        assert cache_status(response) == "miss"
        assert "The depot at dawn" in response.content.decode()
