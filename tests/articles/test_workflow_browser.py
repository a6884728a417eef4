"""A day's desk in headless Chromium: a Reporter files and submits a story from the publish
panel, an Editor opens the review queue, schedules it a few seconds ahead from the panel and
reads "Scheduled for … Kyiv time", and it appears on the home page at its time (the page
cache on, its bound respected)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from editorial.admin.panel import local_moment
from editorial.roles import EDITOR, REPORTER
from tests.articles.workflow_helpers import role_group
from tests.browser_utils import DESKTOP, chromium, screenshot, serve_site_only
from tests.factories import AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "desk-password-1"
HEADLINE = "Night ferry to the islands returns for the summer"


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@newsroom.test", password=PASSWORD, is_staff=True
    )
    user.groups.add(role_group(role))
    return user


def log_in(page, base_url, username, next_url):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")
    page.wait_for_load_state("load")


def test_reporter_files_editor_schedules_story_appears_on_time(
    live_server, django_user_model, settings
):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STALE_SECONDS = 5
    reporter = staff(django_user_model, "rita", REPORTER)
    staff(django_user_model, "erin", EDITOR)
    AuthorFactory(name="Rita Reporter", slug="rita-reporter", user=reporter)
    SectionFactory(name="Coast", slug="coast")
    base = live_server.url

    with chromium() as browser:
        desk = browser.new_context(viewport=DESKTOP)
        page = desk.new_page()
        serve_site_only(page, base)
        log_in(page, base, "rita", "/admin/articles/article/add/")
        # The reporter's panel: their two moves, no publish time, no editor's buttons.
        expect(page.locator(".publish-panel__actions button")).to_have_text(
            ["Save draft", "Submit for review"]
        )
        expect(page.locator("#id_publish_at_0")).to_have_count(0)
        page.locator("#id_headline").press_sequentially(HEADLINE)
        page.fill("#id_dek", "Sailings resume every night from June.")
        page.select_option("#id_section", label="Coast")
        page.click("#bylines-group .dynamic-bylines:first-of-type .select2-selection")
        page.fill(".select2-search__field", "rita")
        page.locator(".select2-results__option", has_text="Rita Reporter").click()
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator(".messagelist")).to_have_text("Draft saved.")
        page.get_by_role("button", name="Submit for review").click()
        expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
        expect(page.locator(".publish-panel")).to_contain_text("Waiting for an editor")
        story = Article.objects.get(headline=HEADLINE)
        assert story.status == Article.Status.IN_REVIEW
        desk.close()

        desk = browser.new_context(viewport=DESKTOP)
        page = desk.new_page()
        serve_site_only(page, base)
        log_in(page, base, "erin", "/admin/")
        queue = page.locator("#desk-in-review")
        expect(queue).to_contain_text(HEADLINE)
        queue.get_by_role("link", name=HEADLINE).click()
        page.wait_for_load_state("load")
        at = timezone.localtime(timezone.now() + timedelta(seconds=8)).replace(microsecond=0)
        page.fill("#id_publish_at_0", at.strftime("%Y-%m-%d"))
        page.fill("#id_publish_at_1", at.strftime("%H:%M:%S"))
        page.get_by_role("button", name="Schedule").click()
        expect(page.locator(".messagelist")).to_have_text(
            f"Scheduled for {local_moment(at)}.", timeout=2000
        )
        expect(page.locator(".publish-panel")).to_contain_text(f"Goes live {local_moment(at)}")
        story.refresh_from_db()
        assert (story.status, story.publish_at) == (Article.Status.SCHEDULED, at)
        desk.close()

        reader = browser.new_page(viewport=DESKTOP)
        serve_site_only(reader, base)
        reader.goto(f"{base}/")
        assert HEADLINE not in reader.content()  # before its time, and now cached
        while timezone.now() < at + timedelta(seconds=3):
            reader.goto(f"{base}/")
            if HEADLINE in reader.content():
                break
            time.sleep(0.25)
        appeared = timezone.now()
        assert HEADLINE in reader.content()
        assert at <= appeared < at + timedelta(seconds=3)
        screenshot(reader, "workflow-scheduled-story-live")
