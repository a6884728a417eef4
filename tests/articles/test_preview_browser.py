"""The copy button beside a story's live preview link, in headless Chromium: one click puts
the address on the clipboard, with no script error and nothing the CSP refuses."""

import pytest
from playwright.sync_api import expect

from editorial.models import PreviewLink
from editorial.roles import EDITOR
from tests.articles.workflow_helpers import PASSWORD, make_user
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_button_puts_the_preview_link_on_the_clipboard(live_server, django_user_model):
    make_user(django_user_model, "erin", EDITOR)
    story = ArticleFactory(status="draft", publish_at=None, headline="Dam inquiry findings")
    link = PreviewLink.objects.create(article=story, label="Legal")
    base = live_server.url

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        serve_site_only(page, base)
        change = f"/admin/articles/article/{story.pk}/change/"
        page.goto(f"{base}/admin/login/?next={change}")
        page.fill("#id_username", "erin")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base}{change}")

        button = page.locator(f'button[data-copy="#preview-link-{link.pk}"]')
        button.click()
        expect(button).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"{base}{link.get_absolute_url()}"
        )
        assert not problems, problems
