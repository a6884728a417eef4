"""The story page in headless Chromium, on a 390-px phone and a 1280-px desktop."""

import pytest
from playwright.sync_api import expect

from articles.models import Byline
from tests.articles.reader_helpers import full_story, photo_with_renditions
from tests.browser_utils import DESKTOP, PHONE, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "".join(
    f"<p>Paragraph {number}: the night crews worked until the water came back to every "
    "district, and the city council promised a full account of what went wrong.</p>"
    for number in range(1, 7)
)


@pytest.fixture
def story():
    section = SectionFactory(name="National", slug="national")
    story = ArticleFactory(
        section=section,
        headline="Water returns to Kamianyi Brid after a week of repairs",
        dek="Engineers replaced two pumps and a kilometre of pipe under fire.",
        body=BODY,
        lead_photo=photo_with_renditions(
            caption="A repair crew lowers a new pump into the station well.",
            credit="Olena Marchenko/Newsroom",
        ),
    )
    for position, name in enumerate(["Olena Marchenko", "The Newsroom desk"]):
        Byline.objects.create(article=story, author=AuthorFactory(name=name), position=position)
    target = full_story(section=section, headline="How the city kept the taps running in winter")
    place(story, block("story", story=target.pk, headline=target.headline), after=2)
    full_story(section=section, in_news_feed=True, headline="Air-raid alert lifted in the east")
    return story


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_story_page_reads_on_phone_and_desktop(live_server, story, name, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=viewport)
        serve_site_only(page, live_server.url)
        response = page.goto(live_server.url + story.get_absolute_url())
        assert response.status == 200

        expect(page.locator("h1.story__headline")).to_have_text(story.headline)
        expect(page.locator("h1.story__headline")).to_be_visible()
        byline = page.locator(".story__meta .byline")
        expect(byline).to_be_visible()
        expect(byline).to_have_text("By Olena Marchenko and The Newsroom desk")
        caption = page.locator(".story__figure figcaption")
        expect(caption).to_be_visible()
        expect(caption).to_contain_text("(Olena Marchenko/Newsroom)")
        card = page.locator(".story__body .embed--story")
        card.scroll_into_view_if_needed()
        expect(card).to_be_visible()
        expect(card).to_contain_text("Read also")
        expect(card).to_contain_text("How the city kept the taps running in winter")

        lead = page.locator(".story__figure img")
        assert lead.evaluate("img => img.complete && img.naturalWidth") > 0
        # The browser picked a rendition sized for the screen, never the original upload.
        assert "/renditions/" in lead.evaluate("img => img.currentSrc")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        story_box = page.locator("article.story").bounding_box()
        rail_box = page.locator("aside.rail").bounding_box()
        if name == "desktop":
            assert rail_box["x"] >= story_box["x"] + story_box["width"]  # rail beside the story
        else:
            assert rail_box["y"] >= story_box["y"] + story_box["height"]  # rail after the story

        screenshot(page, f"story-{name}")


def test_keyboard_users_get_a_visible_skip_link(live_server, story):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())

        page.keyboard.press("Tab")

        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"


def test_section_navigation_scrolls_sideways_on_a_phone(live_server, story):
    for number in range(9):
        SectionFactory(name=f"Long section name {number}")
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + "/")

        nav = page.locator(".section-nav__list")
        box = nav.bounding_box()
        assert box["height"] < 60  # one line, never wrapped
        assert nav.evaluate("list => list.scrollWidth > list.clientWidth")
        screenshot(page, "home-phone")
