"""The story rail (Featured, Editors' Picks, News Feed) is data kept on the generation, built
once and shared by every story page until the pages are retired: with the shared blocks, a
page-cache miss costs only the story's own queries.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from articles import services
from articles.views import rail_candidates
from pagecache import cached
from pagecache.state import bump_generation
from tests.articles.reader_helpers import full_story
from tests.articles.test_queries import ALL_OFF, BLOCKS_ON, STORY_PAGE_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

RAIL_QUERIES = 5  # featured, picks, their bylines, News Feed stories, live updates


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def block(html, title):
    """The HTML of the rail block headed `title` (up to the next block)."""
    match = re.search(rf">{title}</h2>(.*?)</section>", html, flags=re.S)
    return match.group(1) if match else ""


@pytest.fixture
def stories():
    section = full_story(photo=False).section
    return [
        full_story(
            section=section,
            photo=False,
            is_featured=number < 2,
            is_editors_pick=True,
            in_news_feed=True,
            headline=f"Rail story number {number}",
            publish_at=timezone.now() - timedelta(minutes=10 + number),
        )
        for number in range(6)
    ]


def test_a_second_story_page_reuses_the_rail(client, stories, settings):
    first, second = stories[0].get_absolute_url(), stories[1].get_absolute_url()
    settings.PAGE_CACHE_ENABLED = False  # every request renders: fragments alone are measured
    settings.PAGE_CACHE_FRAGMENTS = False
    client.get(first)
    without_fragments, _ = queries_for(client, second)

    settings.PAGE_CACHE_FRAGMENTS = True
    client.get(first)  # builds the rail and the shared blocks
    with_fragments, _ = queries_for(client, second)  # a page-cache miss

    assert with_fragments == STORY_PAGE_QUERIES[BLOCKS_ON]  # the story's own
    assert without_fragments == STORY_PAGE_QUERIES[ALL_OFF]
    assert STORY_PAGE_QUERIES[ALL_OFF] - STORY_PAGE_QUERIES[BLOCKS_ON] > RAIL_QUERIES


def test_each_page_leaves_its_own_story_out_of_the_shared_rail(client, stories):
    for story in stories[:3]:
        _, html = queries_for(client, story.get_absolute_url())
        rail = block(html, "Editors' Picks") + block(html, "News Feed")
        assert story.headline not in rail
        others = [other for other in stories if other.pk != story.pk]
        assert any(other.headline in html for other in others)


def test_a_story_featured_and_picked_appears_in_one_block_only(client, stories):
    _, html = queries_for(client, stories[5].get_absolute_url())
    picks = block(html, "Editors' Picks")
    for featured in stories[:2]:
        assert featured.headline in html
        assert featured.headline not in picks


def test_the_rail_follows_a_curation_change(client, stories, django_capture_on_commit_callbacks):
    url = stories[5].get_absolute_url()
    client.get(url)
    late = full_story(
        section=stories[0].section, photo=False, headline="Newly picked story",
        publish_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    assert "Newly picked story" not in block(client.get(url).content.decode(), "Editors' Picks")

    with django_capture_on_commit_callbacks(execute=True):
        services.set_story_flags([late], is_editors_pick=True)

    assert "Newly picked story" in block(client.get(url).content.decode(), "Editors' Picks")


def test_with_fragments_off_the_rail_is_built_every_time(stories, settings):
    settings.PAGE_CACHE_FRAGMENTS = False
    with CaptureQueriesContext(connection) as captured:
        cached("story-rail", rail_candidates)
        cached("story-rail", rail_candidates)
    assert len(captured) == 2 * RAIL_QUERIES


def test_a_page_built_from_shared_blocks_reads_exactly_like_one_built_from_scratch(
    client, stories, settings
):
    settings.PAGE_CACHE_ENABLED = False  # compare renders, not stored pages
    target, other = stories[4].get_absolute_url(), stories[5].get_absolute_url()
    with freeze_time(timezone.now()):
        settings.PAGE_CACHE_FRAGMENTS = False
        from_scratch = client.get(target).content
        settings.PAGE_CACHE_FRAGMENTS = True
        client.get(other)  # fills the shared blocks
        from_blocks = client.get(target).content
    assert from_blocks == from_scratch


class Counter:
    def __init__(self):
        self.renders = 0

    def __str__(self):
        self.renders += 1
        return f"render {self.renders}"


@pytest.fixture
def counting_block(settings, tmp_path):
    """blocks/test.html prints `counter`, which counts its renders."""
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "test.html").write_text("{{ counter }}")
    template_settings = dict(settings.TEMPLATES[0])
    template_settings["DIRS"] = [tmp_path, *template_settings["DIRS"]]
    settings.TEMPLATES = [template_settings]


BLOCK = Template('{% load pagecache_tags %}{% shared_block "test" items=items counter=counter %}')


def test_a_block_is_rendered_once_per_set_of_values_and_generation(
    stories, settings, counting_block
):
    counter = Counter()

    def render(items):
        return BLOCK.render(Context({"items": items, "counter": counter}))

    with freeze_time(timezone.now()) as clock:
        assert render(stories[:2]) == "render 1"
        assert render(list(stories[:2])) == "render 1"
        assert render(stories[1:3]) == "render 2"
        bump_generation()
        assert render(stories[:2]) == "render 3"
        clock.tick(settings.PAGE_CACHE_STALE_SECONDS + 0.1)
        assert render(stories[:2]) == "render 4"
        settings.PAGE_CACHE_FRAGMENTS = False
        assert render(stories[:2]) == "render 5"
        assert render(stories[:2]) == "render 6"


def test_the_shared_header_still_marks_the_static_page_being_read(client, stories):
    from pages.models import Page

    about = Page.objects.create(title="About us", slug="about-us", show_in_menu=True)
    team = Page.objects.create(title="Our team", slug="our-team", show_in_menu=True)
    client.get(stories[0].get_absolute_url())  # a story page fills the shared header
    for page, other in ((about, team), (team, about)):
        html = client.get(page.get_absolute_url()).content.decode()
        assert f'href="{page.get_absolute_url()}" aria-current="page"' in html
        assert f'href="{other.get_absolute_url()}" aria-current' not in html
    story_html = client.get(stories[1].get_absolute_url()).content.decode()
    assert 'aria-current="page">About us' not in story_html
