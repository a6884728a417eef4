"""The order of an issue's stories in headless Chromium: buttons, keyboard and dragging
reorder the rows, the positions follow, and saving keeps the order."""

import pytest
from playwright.sync_api import expect

from newsletters.models import IssueStory
from tests.browser_utils import DESKTOP, chromium, screenshot
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory, add_stories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def headlines(issue):
    return list(
        IssueStory.objects.filter(issue=issue)
        .order_by("position", "pk")
        .values_list("article__headline", flat=True)
    )


def test_stories_are_reordered_by_buttons_keyboard_and_dragging(live_server, admin_user):
    issue = IssueFactory(subject="Order test")
    add_stories(
        issue,
        [ArticleFactory(headline=f"Story {letter}") for letter in ("Alpha", "Bravo", "Charlie")],
    )
    url = f"/admin/newsletters/newsletterissue/{issue.pk}/change/"

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.goto(f"{live_server.url}/admin/login/?next={url}")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "password")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}{url}")
        page.wait_for_load_state("load")

        group = page.locator("#issue_stories-group")
        rows = group.locator("tbody tr.form-row.has_original")

        def row(name):
            return rows.filter(has_text=name)

        def order():
            return [
                text.split("Story ")[1].split()[0]
                for text in rows.locator("td.field-article").all_inner_texts()
            ]

        def positions():
            return [
                int(value)
                for value in rows.locator("td.field-position input").evaluate_all(
                    "inputs => inputs.map(input => input.value)"
                )
            ]

        # A click on a button.
        row("Alpha").get_by_role("button", name="Move story down").click()
        assert order() == ["Bravo", "Alpha", "Charlie"]
        assert positions() == [0, 1, 2]
        expect(group.locator(".issue-order-status")).to_have_text("Story Alpha: now 2 of 4.")

        # The keyboard: Tab reaches the buttons, Enter moves, focus stays on the button.
        row("Alpha").get_by_role("button", name="Move story up").focus()
        page.keyboard.press("Enter")
        assert order() == ["Alpha", "Bravo", "Charlie"]
        expect(row("Alpha").get_by_role("button", name="Move story up")).to_be_focused()

        # Dragging Charlie by its handle above Alpha.
        handle = row("Charlie").get_by_role("button", name="Drag to reorder").bounding_box()
        target = row("Alpha").bounding_box()
        page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        page.mouse.down()
        page.mouse.move(handle["x"] + 5, target["y"] + 4, steps=8)
        page.mouse.up()
        assert order() == ["Charlie", "Alpha", "Bravo"]
        assert positions() == [0, 1, 2]

        # A new row comes after every story.
        group.locator("tr.add-row a").click()
        new_row = group.locator("tbody tr.form-row.dynamic-issue_stories:not(.has_original)").last
        expect(new_row.locator("td.field-position input")).to_have_value("4")
        screenshot(page, "issue-order")

        # An empty row moved to the top, then another new row deleted: Django renames the
        # forms by their order on the page, and the saved stories must keep their forms.
        empty = group.locator("tbody tr.form-row:not(.has_original):not(.empty-form)").first
        for _ in range(3):
            empty.get_by_role("button", name="Move story up").click()
        new_row.locator("a.inline-deletelink").click()
        expect(group.locator("tbody tr.form-row.has_original").first).to_have_id("issue_stories-0")
        assert order() == ["Charlie", "Alpha", "Bravo"]

        page.click("input[name=_continue]")
        page.wait_for_load_state("load")
        expect(page.locator(".messagelist .success")).to_be_visible()
        assert problems == []

    assert headlines(issue) == ["Story Charlie", "Story Alpha", "Story Bravo"]
