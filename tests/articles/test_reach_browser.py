"""Search, static pages, audio, share links and the appeal in headless Chromium: without
JavaScript, by keyboard, in dark mode (axe-core contrast) and on paper; screenshots at 390
and 1280 px in test-artifacts/."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from articles.models import Byline
from pages.models import Page, SupportAppeal
from tests.articles.reader_helpers import photo_with_renditions
from tests.browser.tools import axe_violations
from tests.browser_utils import DESKTOP, PHONE, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MP3 = (bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(413)) * 40
VIEWPORTS = [("phone", PHONE), ("desktop", DESKTOP)]


@pytest.fixture
def site(settings):
    settings.DONATION_URL = "https://donate.example.org/"
    section = SectionFactory(name="National", slug="national")
    writer = AuthorFactory(name="Olena Marchenko", slug="olena-marchenko")
    story = ArticleFactory(
        section=section,
        headline="Water returns to Kamianyi Brid after a week of repairs",
        dek="Engineers replaced two pumps and a kilometre of pipe.",
        body="".join(
            f"<p>Paragraph {n}: crews worked through the night, and the "
            '<a href="https://council.example.org/report">council report</a> '
            "promised a full account of what went wrong.</p>"
            for n in range(1, 5)
        ),
        lead_photo=photo_with_renditions(caption="A crew lowers a pump.", credit="Newsroom"),
        audio_ai_assisted=True,
        audio_transcript="Engineers replaced two pumps.",
        tag_names=["Water"],
    )
    story.audio.save("story.mp3", ContentFile(MP3), save=False)
    story.save(update_fields=["audio"])
    Byline.objects.create(article=story, author=writer, position=0)
    for number in range(3):
        other = ArticleFactory(
            section=section,
            headline=f"Water tariffs explained, part {number}",
            body="<p>The water company publishes new tariffs every spring.</p>",
            in_news_feed=True,
        )
        Byline.objects.create(article=other, author=writer, position=0)
    for position, (slug, title) in enumerate([("about", "About us"), ("team", "Our team")]):
        Page.objects.create(
            slug=slug,
            title=title,
            intro="Who we are and how we work.",
            body="<p>We are a reader-funded newsroom.</p><h2>Funding</h2><p>Readers.</p>",
            position=position,
        )
    SupportAppeal.objects.create(text="Readers fund our reporting.", amounts="5, 10, 25")
    return {"story": story.get_absolute_url(), "search": "/search/?q=water", "page": "/about/"}


def open_page(browser, live_server, path, **context):
    page = browser.new_context(**context).new_page()
    serve_site_only(page, live_server.url)
    response = page.goto(live_server.url + path)
    assert response.status == 200
    return page


def test_header_search_works_without_javascript(live_server, site):
    with chromium() as browser:
        for name, viewport in VIEWPORTS:
            page = open_page(
                browser, live_server, site["page"], viewport=viewport, java_script_enabled=False
            )
            if name == "desktop":
                page.fill("#masthead-search-q", "tariffs")
                page.press("#masthead-search-q", "Enter")
            else:
                # On a phone the box is hidden: the button opens the search page.
                expect(page.locator("#masthead-search-q")).to_be_hidden()
                page.click(".masthead-search__button")
                page.fill("#id_q", "tariffs")
                page.click(".search-form__row button")
            page.wait_for_url("**/search/?q=tariffs*")
            expect(page.locator(".search-summary")).to_contain_text("3 stories")
            expect(page.locator(".search-result mark").first).to_have_text("tariffs")

            page.click(".search-filters > summary")
            page.select_option("#id_sort", "newest")
            page.click("text=Apply filters")
            expect(page).to_have_url(re.compile(r"sort=newest"))
            screenshot(page, f"reach-search-{name}")
            page.context.close()


def test_more_menu_opens_by_keyboard_and_stays_on_screen(live_server, site):
    with chromium() as browser:
        for name, viewport in VIEWPORTS:
            page = open_page(browser, live_server, "/", viewport=viewport)
            toggle = page.locator(".more-menu__toggle")
            toggle.focus()
            page.keyboard.press("Enter")
            menu = page.locator(".more-menu__list")
            expect(menu).to_be_visible()
            box = menu.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
            page.keyboard.press("Tab")
            expect(page.locator(".more-menu__list a").first).to_be_focused()
            screenshot(page, f"reach-more-menu-{name}", full_page=False)
            # Escape closes it and gives focus back to the toggle (more-menu.js).
            page.keyboard.press("Escape")
            expect(menu).to_be_hidden()
            expect(toggle).to_be_focused()
            page.keyboard.press("Enter")
            expect(menu).to_be_visible()
            page.mouse.click(5, viewport["height"] - 5)  # a click elsewhere closes it too
            expect(menu).to_be_hidden()
            toggle.focus()
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            page.wait_for_url("**/about/")
            expect(page.locator("h1")).to_have_text("About us")
            screenshot(page, f"reach-static-page-{name}")
            page.context.close()


def test_copy_link_copies_the_address_and_says_so(live_server, site):
    with chromium() as browser:
        page = open_page(browser, live_server, site["story"], viewport=DESKTOP)
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.click(".share__link--copy")
        expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"http://testserver{site['story']}"
        )
        assert page.url == live_server.url + site["story"]  # it did not navigate

        # Without JavaScript the same control is a plain link to the story.
        plain = open_page(
            browser, live_server, site["story"], viewport=PHONE, java_script_enabled=False
        )
        assert plain.get_attribute(".share__link--copy", "href") == (
            f"http://testserver{site['story']}"
        )


def test_story_audio_share_and_appeal_on_phone_and_desktop(live_server, site):
    with chromium() as browser:
        for name, viewport in VIEWPORTS:
            page = open_page(browser, live_server, site["story"], viewport=viewport)
            audio = page.locator("audio.story-audio__player")
            expect(audio).to_be_visible()
            assert audio.get_attribute("preload") == "none"
            assert page.evaluate("document.querySelector('audio').canPlayType('audio/mpeg')")
            expect(page.locator(".story-audio__ai")).to_have_text(
                "This audio is created with AI assistance"
            )
            for block in (".share", ".appeal"):
                element = page.locator(block)
                element.scroll_into_view_if_needed()
                expect(element).to_be_visible()
                box = element.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
            screenshot(page, f"reach-story-{name}")
            page.context.close()


@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
def test_dark_mode_keeps_wcag_aa(live_server, site, name, viewport):
    found = {}
    with chromium() as browser:
        for key, path in site.items():
            page = open_page(browser, live_server, path, viewport=viewport, color_scheme="dark")
            page.wait_for_load_state("networkidle")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(18, 18, 18)", key
            violations = axe_violations(page)
            if violations:
                found[key] = violations
            screenshot(page, f"reach-dark-{key}-{name}")
            page.context.close()
    assert found == {}


def test_a_story_prints_cleanly(live_server, site):
    with chromium() as browser:
        page = open_page(browser, live_server, site["story"], viewport=DESKTOP)
        page.emulate_media(media="print")
        for hidden in (
            ".section-nav",
            ".masthead-search",
            ".rail",
            ".site-footer",
            ".share",
            ".appeal",
            ".story-audio",
        ):
            assert page.locator(hidden).first.is_hidden(), hidden
        expect(page.locator(".story__headline")).to_be_visible()
        expect(page.locator(".logo").first).to_be_visible()
        after = page.evaluate(
            "getComputedStyle(document.querySelector('.story__body p a'), '::after').content"
        )
        assert after == '" (" attr(href) ")"' or "council.example.org" in after
        colour = page.evaluate("getComputedStyle(document.querySelector('.story__body')).color")
        assert colour == "rgb(0, 0, 0)"
        page.pdf(path=str(screenshot(page, "reach-print-story").with_suffix(".pdf")))
