"""Every reader page in headless Chromium: axe-core (WCAG 2.1 A and AA) with no violations,
the Nu Html Checker with no errors, keyboard focus that can be seen, screenshots at 390 and
1280 px in test-artifacts/."""

import pytest

from tests.browser.content import build_newsroom
from tests.browser.tools import axe_violations, vnu_errors
from tests.browser_utils import ARTIFACTS_DIR, DESKTOP, PHONE, chromium, screenshot, serve_site_only

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    type: element.getAttribute("type") || "",
    text: (element.innerText || element.getAttribute("aria-label") || element.name || "")
      .trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
  };
}"""


@pytest.fixture
def pages(settings):
    settings.DONATION_URL = "https://example.org/donate"
    return build_newsroom()


@pytest.mark.parametrize(("size", "viewport"), [("390", PHONE), ("1280", DESKTOP)])
def test_reader_pages_pass_axe(live_server, pages, size, viewport):
    found = {}
    with chromium() as browser:
        page = browser.new_page(viewport=viewport)
        serve_site_only(page, live_server.url)
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, response.status)
            page.wait_for_load_state("networkidle")
            violations = axe_violations(page)
            if violations:
                found[name] = violations
            screenshot(page, f"a11y-{name}-{size}")

    assert found == {}


def test_reader_pages_are_valid_html(client, pages):
    folder = ARTIFACTS_DIR / "html"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, name
        file = folder / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    assert vnu_errors(files) == {}


def test_keyboard_reaches_links_and_fields_with_visible_focus(live_server, pages):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + pages["story"])

        stops = []
        for _ in range(400):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_STYLE)
            if stop["tag"] == "body":
                break  # past the last stop: the whole page has been walked
            stops.append(stop)

        invisible = [stop for stop in stops if not (stop["outline"] or stop["shadow"])]
        assert invisible == []
        texts = [stop["text"] for stop in stops]
        assert texts[0] == "Skip to content"
        assert "Write a comment" in texts
        assert any(stop["tag"] == "input" and stop["type"] == "email" for stop in stops)
        assert sum(stop["tag"] == "a" for stop in stops) > 40

        # Opening the comment form from the keyboard puts the first field in reach.
        page.get_by_role("link", name="Write a comment").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("form.comment-form")
        focused = page.evaluate(FOCUS_STYLE)
        assert focused["tag"] == "input" and focused["outline"]
        screenshot(page, "a11y-comment-form-open-1280", full_page=False)
