"""The publish panel in headless Chromium: it works with scripts off (plain submit buttons),
and screenshots of it at 1280 and 1440 px, light and dark (docs/screens/story-publish-panel-*),
with the read-only story a Reporter opens."""

import pytest
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from editorial.roles import EDITOR, REPORTER
from tests.articles.workflow_helpers import PASSWORD, make_user
from tests.browser_utils import chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, RelatedEmbedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEME_SCRIPT = "window.localStorage.setItem('theme', '{theme}');"
BODY = (
    "<p>The night ferry to the islands sails again from the first of June, the port said on "
    "Monday, after two summers tied up at the quay.</p>"
    "<h2>Tickets and times</h2>"
    "<p>Boats leave at <strong>22:40</strong> and arrive before breakfast.</p>"
)


@pytest.fixture
def desk(django_user_model):
    editor = make_user(django_user_model, "erin", EDITOR, first_name="Erin", last_name="Kovalenko")
    reporter = make_user(django_user_model, "rita", REPORTER, first_name="Rita", last_name="Bondar")
    byline = AuthorFactory(name="Rita Reporter", slug="rita-reporter", user=reporter)
    in_review = ArticleFactory(
        headline="Night ferry to the islands returns for the summer",
        status="in_review",
        publish_at=None,
        created_by=reporter,
        authors=[byline],
        body=BODY,
    )
    services.save_story(article=in_review, by=reporter)  # a revision: "Last saved by Rita…"
    published = ArticleFactory(headline="Harbour wall repaired before the storms", body=BODY)
    RelatedEmbedFactory(article=published, after_paragraph=1)
    return {"editor": editor, "reporter": reporter, "story": in_review, "published": published}


def sign_in(page, base_url, username, next_url):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")


def test_publish_now_works_without_javascript(live_server, desk):
    story = desk["story"]
    url = f"/admin/articles/article/{story.pk}/change/"
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        serve_site_only(page, live_server.url)
        sign_in(page, live_server.url, "erin", url)
        page.get_by_role("button", name="Publish now").click()
        expect(page.locator(".messagelist")).to_have_text("Published: readers see it now.")
        expect(page.locator(".publish-panel")).to_contain_text("Live since")
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_panel_screenshots(live_server, desk, theme):
    story, published = desk["story"], desk["published"]
    with chromium() as browser:
        for width in (1280, 1440):
            page = browser.new_page(viewport={"width": width, "height": 820}, color_scheme=theme)
            page.add_init_script(THEME_SCRIPT.format(theme=theme))
            serve_site_only(page, live_server.url)
            url = f"/admin/articles/article/{story.pk}/change/"
            sign_in(page, live_server.url, "erin", url)
            page.wait_for_load_state("networkidle")
            expect(page.locator(".publish-panel__actions button")).to_have_text(
                ["Save changes", "Publish now", "Schedule"]
            )
            expect(page.locator(".publish-panel")).to_contain_text("Last saved by Rita Bondar")
            screenshot(page, f"story-publish-panel-{width}-{theme}", full_page=False)
            page.close()

        page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=theme)
        page.add_init_script(THEME_SCRIPT.format(theme=theme))
        serve_site_only(page, live_server.url)
        url = f"/admin/articles/article/{published.pk}/change/"
        sign_in(page, live_server.url, "rita", url)
        expect(page.locator(".field-body_as_read h2")).to_have_text("Tickets and times")
        expect(page.locator(".publish-panel__actions")).to_have_count(0)
        screenshot(page, f"story-publish-panel-read-only-{theme}", full_page=False)
