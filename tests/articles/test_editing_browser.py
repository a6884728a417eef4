"""Autosave recovery and the presence notice in headless Chromium, under the admin's CSP."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from editorial import editing
from editorial.models import AutosaveDraft
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, next_url):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")
    page.wait_for_load_state("load")


def console_problems(page):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    return problems


def wait_for_copy_with(page, *texts):
    """Until the server holds a recovery copy with all of `texts` (autosave runs each second)."""
    for _ in range(100):
        draft = AutosaveDraft.objects.first()
        if draft is not None and all(text in str(draft.data) for text in texts):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"No recovery copy with {texts}")


def test_typing_is_recovered_after_the_tab_is_closed(live_server, admin_user, monkeypatch):
    # Seconds, not the real 30 and 20, so the test does not wait half a minute.
    monkeypatch.setattr(editing, "AUTOSAVE_SECONDS", 1)
    monkeypatch.setattr(editing, "PRESENCE_HEARTBEAT_SECONDS", 1)
    story = ArticleFactory(headline="Rail bridge reopens after repairs")
    BylineFactory(article=story, author=AuthorFactory(), position=1)
    url = f"/admin/articles/article/{story.pk}/change/"

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        problems = console_problems(page)
        serve_site_only(page, live_server.url)
        log_in(page, live_server.url, url)
        page.fill("#id_headline", "Rail bridge reopens two weeks early")
        page.fill("#id_editor_notes", "Check the opening date with the ministry.")
        page.locator(".field-body .tiptap.ProseMirror").click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" Trains return on Friday.")
        expect(page.locator("#autosave-status")).to_contain_text(
            "Recovery copy saved", timeout=10_000
        )
        wait_for_copy_with(page, "Trains return on Friday.", "the ministry")
        # The tab is closed without saving.
        page.close()

        assert Article.objects.get(pk=story.pk).headline == "Rail bridge reopens after repairs"
        page = context.new_page()
        problems += console_problems(page)
        serve_site_only(page, live_server.url)
        page.goto(f"{live_server.url}{url}")
        offer = page.locator("#autosave-offer")
        expect(offer).to_contain_text("There is an unsaved copy of your typing")
        page.click("text=Restore it into the form")
        expect(page.locator("#id_headline")).to_have_value("Rail bridge reopens two weeks early")
        expect(page.locator("#id_editor_notes")).to_have_value(
            "Check the opening date with the ministry."
        )
        expect(page.locator(".field-body .tiptap.ProseMirror")).to_contain_text(
            "Trains return on Friday."
        )
        page.locator("input[name=_save]").first.click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        assert Article.objects.get(pk=story.pk).headline == "Rail bridge reopens two weeks early"
        assert "Trains return on Friday." in Article.objects.get(pk=story.pk).body
        assert not AutosaveDraft.objects.exists()
        assert problems == []


def test_the_presence_notice_appears_when_someone_else_opens_the_story(
    live_server, admin_user, django_user_model, monkeypatch
):
    monkeypatch.setattr(editing, "PRESENCE_HEARTBEAT_SECONDS", 1)
    django_user_model.objects.create_superuser("ostap", "ostap@newsroom.test", "password")
    story = ArticleFactory(headline="Metro extends night hours")
    url = f"/admin/articles/article/{story.pk}/change/"

    with chromium() as browser:
        first = browser.new_context(viewport=DESKTOP).new_page()
        problems = console_problems(first)
        serve_site_only(first, live_server.url)
        log_in(first, live_server.url, url)
        notice = first.locator("#editing-presence")
        expect(notice).to_be_hidden()

        second = browser.new_context(viewport=DESKTOP).new_page()
        serve_site_only(second, live_server.url)
        second.goto(f"{live_server.url}/admin/login/?next={url}")
        second.fill("#id_username", "ostap")
        second.fill("#id_password", "password")
        second.click("input[type=submit]")
        expect(second.locator("#editing-presence")).to_contain_text("Also open by admin")

        # The first page learns of the second through its heartbeat, without a reload.
        expect(notice).to_contain_text("Also open by ostap", timeout=10_000)
        second.close()
        assert problems == []
