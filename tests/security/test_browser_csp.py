"""The Content-Security-Policy breaks nothing: an editor's day and a reader's visit in
headless Chromium, failing on any CSP violation the browser reports."""

import re

import pytest
from playwright.sync_api import expect

from photos.models import Photo
from photos.renditions import ensure_renditions
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.factories import ArticleFactory, PhotoFactory, block, jpeg_bytes, place
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports a blocked script, style, frame or form as a console error like this.
VIOLATION = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


def watch_for_violations(page):
    violations = []

    def on_console(message):
        if VIOLATION.search(message.text):
            source = message.location.get("url", "")
            violations.append(f"{page.url} ({source}): {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    return violations


def log_in(page, base_url):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def test_admin_works_under_the_csp(live_server, admin_user, tmp_path):
    photo = PhotoFactory(caption="Lanterns on the river")
    ensure_renditions(photo)
    issue = IssueFactory(newsletter=NewsletterFactory(is_public=True))
    add_stories(issue, [ArticleFactory(lead_photo=photo)])
    upload = tmp_path / "harbour.jpg"
    upload.write_bytes(jpeg_bytes(1200, 800))

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        violations = watch_for_violations(page)
        serve_site_only(page, live_server.url)
        log_in(page, live_server.url)

        # The story form: the rich-text editor loads and takes typing and formatting.
        page.goto(f"{live_server.url}/admin/articles/article/add/")
        page.wait_for_load_state("load")
        editor = page.locator(".field-body [contenteditable=true]")
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.type("The harbour reopened at dawn.")
        page.keyboard.press("Control+a")
        page.keyboard.press("Control+b")
        expect(editor.locator("strong")).to_contain_text("The harbour reopened at dawn.")
        page.locator("#id_headline").press_sequentially("Harbour reopens")
        expect(page.locator("#id_slug")).to_have_value("harbour-reopens")

        # A photo upload, start to finish.
        page.goto(f"{live_server.url}/admin/photos/photo/add/")
        page.set_input_files("#id_image", str(upload))
        page.fill("#id_caption", "Boats wait at the harbour wall")
        page.fill("#id_credit", "Test Photographer/Newsroom")
        page.fill("#id_alt_text", "Fishing boats moored along a stone wall")
        page.click("input[name=_save]")
        page.wait_for_url(f"{live_server.url}/admin/photos/photo/")
        assert Photo.objects.filter(caption="Boats wait at the harbour wall").exists()

        # The newsletter preview frames the email under its own policy.
        page.goto(f"{live_server.url}/admin/newsletters/newsletterissue/{issue.pk}/preview/")
        frame = page.frame_locator("iframe.preview-frame")
        expect(frame.locator("body")).to_contain_text(issue.subject)
        page.goto(f"{live_server.url}/admin/newsletters/newsletterissue/{issue.pk}/change/")
        page.goto(f"{live_server.url}/admin/subscriptions/subscriber/")
        page.wait_for_load_state("load")

    assert violations == [], "\n".join(violations)


def test_reader_pages_work_under_the_csp(live_server):
    photo = PhotoFactory(caption="Lanterns on the river")
    ensure_renditions(photo)
    photo.focal_x, photo.focal_y = 0.2, 0.8
    photo.save(update_fields=["focal_x", "focal_y"])
    NewsletterFactory(is_public=True, is_default=True)
    story = ArticleFactory(
        lead_photo=photo, is_featured=True, in_news_feed=True, comments_enabled=True
    )
    place(
        story,
        block("link", url="https://example.org/report", title="An outside report", photo=photo.pk),
        block("media", url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        block("photo", photo=photo.pk),
        block("quote", text="Lanterns every night.", attribution="A reader"),
    )

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        violations = watch_for_violations(page)
        serve_site_only(page, live_server.url)
        for path in ["/", "/news-feed/", "/newsletters/", story.section.get_absolute_url()]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")

        page.goto(f"{live_server.url}{story.get_absolute_url()}")
        expect(page.locator("iframe[src^='https://www.youtube-nocookie.com/']")).to_have_count(1)
        # The signup box answers in place (static script, fetch to our own origin).
        box = page.locator("form[data-signup-form]").first
        box.locator("input[type=email]").fill("reader@example.org")
        box.locator("button[type=submit]").click()
        expect(page.get_by_text("Thank you for signing up")).to_be_visible()
        # The comment form is fetched into the page with its token, and posts in place.
        page.click("[data-comment-open]")
        form = page.locator("form.comment-form")
        form.locator("input[name=name]").fill("A reader")
        form.locator("input[name=email]").fill("a.reader@example.org")
        form.locator("textarea[name=body]").fill("Thank you for the clear report on the harbour.")
        form.locator("button[type=submit]").click()
        expect(page.locator("[data-comment-form]")).to_contain_text("once an editor has read it")

    assert violations == [], "\n".join(violations)


def test_reader_pages_leave_nothing_in_the_console(live_server):
    """No warning or error on the home and story pages: an unknown Permissions-Policy
    feature, a blocked asset or a script error would each print one on every visit."""
    photo = PhotoFactory(caption="Lanterns on the river")
    ensure_renditions(photo)
    NewsletterFactory(is_public=True, is_default=True)
    story = ArticleFactory(lead_photo=photo, is_featured=True, in_news_feed=True)
    place(story, block("link", url="https://example.org/report", title="An outside report"))

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        messages = []
        page.on(
            "console",
            lambda message: (
                message.type in ("warning", "error")
                and messages.append(f"{page.url}: {message.type}: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: messages.append(f"{page.url}: page error: {error}"))
        serve_site_only(page, live_server.url)
        for path in ["/", story.get_absolute_url()]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")

    assert messages == [], "\n".join(messages)
