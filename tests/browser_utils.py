"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

    from tests.browser_utils import chromium, ARTIFACTS_DIR

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        ...

Playwright never downloads a browser here; the system Chromium is launched with flags that
keep it quiet in containers and CI (no sandbox, no GPU, no background network).
"""

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots from browser tests, for people to look at (gitignored).
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def chromium():
    """A headless Chromium browser; skips the test when Chromium is not installed."""
    if not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM_PATH} (make chromium installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name, *, full_page=True):
    """Save a screenshot under test-artifacts/ and return its path."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def serve_site_only(page, base_url):
    """Keep the page on the test server: serve uploads from MEDIA_ROOT, block other hosts.

    The live server does not serve media with DEBUG off, and a test must never reach out to
    YouTube or anyone else, so outside requests are aborted (an embed's frame stays empty).
    """
    media_root = Path(settings.MEDIA_ROOT).resolve()

    def block(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            route.abort()

    def media(route):
        relative = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
        file = (media_root / relative).resolve()
        if file.is_file() and file.is_relative_to(media_root):
            route.fulfill(path=str(file))
        else:
            route.fulfill(status=404)

    # Playwright tries the most recently registered matching route first.
    page.route("**/*", block)
    page.route(f"{base_url}{settings.MEDIA_URL}**", media)
