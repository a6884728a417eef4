"""The story form's scripts in headless Chromium: photo preview, tag suggestions, bylines."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Author
from photos.renditions import ensure_renditions
from tests.browser_utils import DESKTOP, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, next_url):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    # Wait for the form's scripts (prepopulate, select2) before typing into it.
    page.wait_for_url(f"{base_url}{next_url}")
    page.wait_for_load_state("load")


def pick(page, field_selector, term, text):
    page.click(f"{field_selector} .select2-selection")
    page.fill(".select2-search__field", term)
    page.locator(".select2-results__option", has_text=text).click()


def test_story_form_scripts_work(live_server, admin_user):
    photo = PhotoFactory(
        caption="Lanterns float down the river at night", credit="Marta Hill/Newsroom"
    )
    ensure_renditions(photo)
    PhotoFactory(caption="A quiet street after the curfew")
    AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK)
    ArticleFactory.create_batch(2, tag_names=["energy", "Kyiv"])

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        serve_site_only(page, live_server.url)
        log_in(page, live_server.url, "/admin/articles/article/add/")
        page.locator("#id_headline").press_sequentially("Lantern festival returns to the river")
        expect(page.locator("#id_slug")).to_have_value("lantern-festival-returns-to-the-river")

        preview = page.locator(".field-lead_photo .photo-preview")
        expect(preview).to_be_hidden()
        pick(page, ".field-lead_photo", "lantern", "Lanterns float")
        expect(preview).to_be_visible()
        expect(preview.locator("img")).to_have_attribute("src", re.compile(r"-320\.jpg$"))
        expect(preview).to_contain_text("Lanterns float down the river at night")
        expect(preview).to_contain_text("(Marta Hill/Newsroom)")

        tags = page.locator("#id_tags")
        tags.fill("culture, ")
        tags.press_sequentially("ene")
        expect(page.locator("#id_tags-suggestions option")).to_have_count(1)
        assert page.locator("#id_tags-suggestions option").get_attribute("value") == (
            "culture, energy"
        )
        page.click('.tag-chip[data-tag="energy"]')
        expect(tags).to_have_value("culture, energy")
        page.click('.tag-chip[data-tag="Kyiv"]')
        expect(tags).to_have_value("culture, energy, Kyiv")

        pick(page, "#bylines-group .dynamic-bylines:first-of-type", "desk", "The Newsroom desk")
        expect(page.locator("#bylines-group")).to_contain_text("The Newsroom desk")

        screenshot(page, "admin-story-form")
        assert errors == []
