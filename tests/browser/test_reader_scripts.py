"""The page scripts in headless Chromium: News Feed and live updates arriving while a page is
open, the comment form fetched and posted in place, and the read beacon counting a visit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from live.models import LiveUpdate
from popularity.models import ArticleDailyViews
from popularity.services import flush_read_counts
from tests.browser_utils import DESKTOP, PHONE, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, SectionFactory
from tests.live.factories import LiveStoryFactory, LiveUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _quick_polls(settings):
    settings.NEWS_FEED_POLL_SECONDS = 1
    settings.LIVE_POLL_SECONDS = 1


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.mark.parametrize("path", ["/", "/news-feed/"])
def test_a_story_published_while_the_feed_is_open_appears(live_server, path):
    section = SectionFactory(name="National")
    ArticleFactory(
        section=section, in_news_feed=True, headline="Morning brief", publish_at=ago(hours=1)
    )
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + path)
        feed = page.locator("[data-feed-url]")
        expect(feed.get_by_text("Morning brief")).to_be_visible()

        fresh = ArticleFactory(
            section=section,
            in_news_feed=True,
            headline="Power is back in the capital",
            publish_at=ago(seconds=2),
        )
        live = LiveStoryFactory(section=section, headline="Storm live")
        LiveUpdateFactory(article=live, headline="Ferries resume", published_at=ago(seconds=1))

        link = feed.get_by_role("link", name="Power is back in the capital")
        expect(link).to_be_visible(timeout=10_000)
        assert link.get_attribute("href") == fresh.get_absolute_url()
        expect(feed.get_by_role("link", name="Ferries resume")).to_be_visible(timeout=10_000)
        announcer = page.locator("[data-feed-announcer]")
        expect(announcer).to_contain_text("new item")
        # Newest first: the new story is above the morning brief.
        items = feed.locator(".feed-block__item, .feed-item").all_inner_texts()
        assert [i for i, text in enumerate(items) if "Power is back" in text][0] < [
            i for i, text in enumerate(items) if "Morning brief" in text
        ][0]
        screenshot(page, f"feed-updated-{'home' if path == '/' else 'page'}-1280")


def test_a_live_update_posted_while_the_story_is_open_appears(live_server):
    live = LiveStoryFactory(headline="Storm over the coast: live")
    LiveUpdateFactory(
        article=live, headline="Roads closed on the coast", published_at=ago(minutes=30)
    )
    LiveUpdate.objects.update(modified_at=ago(minutes=30))
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + live.get_absolute_url())
        updates = page.locator("#live-updates")
        expect(updates.get_by_text("Roads closed on the coast")).to_be_visible()

        new = LiveUpdateFactory(
            article=live, headline="Power restored in two towns", published_at=ago(seconds=1)
        )
        pinned = LiveUpdateFactory(
            article=live, headline="Emergency numbers", is_pinned=True, published_at=ago(seconds=1)
        )

        update = page.locator(f"#update-{new.pk}")
        expect(update).to_be_visible(timeout=10_000)
        expect(page.locator(f"[data-live-pinned] #update-{pinned.pk}")).to_be_visible(
            timeout=10_000
        )
        headlines = page.locator("[data-live-list] .live-update__headline").all_inner_texts()
        assert headlines == ["Power restored in two towns", "Roads closed on the coast"]
        expect(page.locator("[data-live-announcer]")).to_contain_text("new update")
        screenshot(page, "live-updated-390")


def test_the_comment_form_opens_and_posts_in_place(live_server):
    story = ArticleFactory(headline="Council approves the new bridge")
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())
        assert "csrfmiddlewaretoken" not in page.content()

        page.get_by_role("link", name="Write a comment").click()
        page.get_by_label("Your name").fill("Marko")
        page.get_by_label("Your email").fill("marko@example.org")
        page.get_by_label("Your comment").fill("Finally. The old bridge shakes when trams pass.")
        screenshot(page, "comment-form-390")
        page.get_by_role("button", name="Post comment").click()

        expect(page.locator("#comments").get_by_role("status")).to_contain_text(
            "once an editor has read it"
        )
        assert page.url == live_server.url + story.get_absolute_url()  # never left the story
    comment = Comment.objects.get()
    assert (comment.name, comment.status) == ("Marko", Comment.Status.PENDING)


def test_the_comment_form_shows_errors_in_place(live_server):
    story = ArticleFactory()
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())
        page.get_by_role("link", name="Write a comment").click()
        page.get_by_label("Your email").fill("not an address")
        page.get_by_role("button", name="Post comment").click()

        expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
        expect(page.get_by_label("Your email")).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.exists()


def test_a_visit_is_counted_by_the_beacon(live_server):
    story = ArticleFactory()
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        with page.expect_request(lambda request: request.url.endswith("/reads/")) as beacon:
            page.goto(live_server.url + story.get_absolute_url())
        assert beacon.value.method == "POST"
        assert beacon.value.post_data == f"article={story.pk}"
        page.wait_for_timeout(300)  # the server handles the beacon

    flush_read_counts()
    assert ArticleDailyViews.objects.get(article=story).views == 1
