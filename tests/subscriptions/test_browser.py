"""The signup box and pages in headless Chromium, on a 390-px phone and a 1280-px desktop."""

import pytest
from playwright.sync_api import expect

from subscriptions import tokens
from subscriptions.models import Subscriber
from tests.browser_utils import DESKTOP, PHONE, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory
from tests.subscriptions.factories import active_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = [("phone", PHONE), ("desktop", DESKTOP)]


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
def test_signup_box_answers_in_place(live_server, newsletter, name, viewport):
    story = ArticleFactory()
    with chromium() as browser:
        page = browser.new_page(viewport=viewport)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())
        box = page.locator(".signup-box")
        box.scroll_into_view_if_needed()
        expect(box.locator(".signup-box__title")).to_have_text("Morning Briefing")

        box.get_by_label("Email address").fill("reader@example")
        box.get_by_role("button", name="Sign up").click()

        error = box.locator("[data-error-for=email]")
        expect(error).to_have_text("Please enter a correct email address")
        expect(box.get_by_label("Email address")).to_have_value("reader@example")
        assert page.url == live_server.url + story.get_absolute_url()
        screenshot(page, f"subscriptions-box-error-{name}", full_page=False)

        box.get_by_label("Email address").fill("Reader@Example.org")
        box.get_by_role("button", name="Sign up").click()

        status = box.locator("[data-signup-status]")
        expect(status).to_have_text(
            "Thank you for signing up. We've sent you a confirmation email."
        )
        expect(error).to_be_hidden()
        screenshot(page, f"subscriptions-box-thanks-{name}", full_page=False)
        assert fits_the_width(page)
    assert Subscriber.objects.get().email == "reader@example.org"


def test_signup_box_offers_the_address_it_guesses_was_meant(live_server, newsletter):
    story = ArticleFactory()
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())
        box = page.locator(".signup-box")
        box.scroll_into_view_if_needed()
        field = box.get_by_label("Email address")
        field.fill("nina@gmial.con")
        box.get_by_role("button", name="Sign up").click()

        expect(box.locator("[data-error-for=email]")).to_have_text("Did you mean nina@gmail.com?")
        expect(field).to_have_value("nina@gmial.con")
        screenshot(page, "subscriptions-box-did-you-mean", full_page=False)
        box.get_by_role("button", name="Use nina@gmail.com").click()
        expect(field).to_have_value("nina@gmail.com")
        expect(box.locator("[data-error-for=email]")).to_be_hidden()
        box.get_by_role("button", name="Sign up").click()

        expect(box.locator("[data-signup-status]")).to_have_text(
            "Thank you for signing up. We've sent you a confirmation email."
        )
    assert Subscriber.objects.get().email == "nina@gmail.com"


def test_signup_works_without_javascript(live_server, newsletter):
    story = ArticleFactory()
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url())
        box = page.locator(".signup-box")
        box.get_by_label("Email address").fill("reader@example")
        box.get_by_role("button", name="Sign up").click()

        expect(page.locator("h1")).to_have_text("Sign up for our newsletters")
        expect(page.locator(".field-error").first).to_have_text(
            "Please enter a correct email address"
        )
        expect(page.get_by_label("Email address")).to_have_value("reader@example")
        screenshot(page, "subscriptions-signup-page-error-phone")

        page.get_by_label("Email address").fill("reader@example.org")
        page.get_by_role("button", name="Sign up").click()

        expect(page.locator(".notice")).to_have_text(
            "Thank you for signing up. We've sent you a confirmation email."
        )
        expect(page.get_by_role("link", name="Back to where you were")).to_have_attribute(
            "href", story.get_absolute_url()
        )
        context.close()
    assert Subscriber.objects.get().status == "pending"


@pytest.mark.parametrize(("name", "viewport"), VIEWPORTS)
def test_unsubscribe_and_preference_pages_read_well(
    live_server, settings, newsletter, weekly, name, viewport
):
    settings.SITE_URL = live_server.url  # the links in the pages are absolute, as in emails
    subscriber = active_subscriber(newsletter, email="reader@example.org")
    with chromium() as browser:
        page = browser.new_page(viewport=viewport)
        serve_site_only(page, live_server.url)
        page.goto(
            tokens.unsubscribe_url(subscriber, newsletter).replace(
                "http://testserver", live_server.url
            )
        )
        expect(page.locator("h1")).to_have_text("Unsubscribe from Morning Briefing?")
        assert fits_the_width(page)
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.locator("h1")).to_have_text("You're unsubscribed")
        expect(page.get_by_role("button", name="Re-subscribe to Morning Briefing")).to_be_visible()
        screenshot(page, f"subscriptions-unsubscribed-{name}")

        # The footer link of any newsletter (the unsubscribe page hands out none).
        page.goto(tokens.preferences_url(subscriber))
        expect(page.locator("h1")).to_have_text("Your newsletters")
        page.get_by_label("Weekend Reads").check()
        page.get_by_role("button", name="Save my choices").click()
        expect(page.locator(".notice")).to_contain_text("Now getting: Weekend Reads")
        assert fits_the_width(page)
        screenshot(page, f"subscriptions-preferences-{name}")
    assert subscriber.subscriptions.get(newsletter=weekly).status == "active"
