"""The worst payloads in a real browser: any alert/confirm/prompt fails the test.

The pages are those the HTML checks cover (tests/security/test_xss_*.py), plus the paths
where script puts server data into the page after loading: live updates and the News Feed
arrive as JSON while the page is open, and the comment form is fetched into the story.
"""

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Author, Section
from live.models import LiveUpdate
from pages.models import Page, SupportAppeal
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.factories import ArticleFactory, SectionFactory
from tests.security.test_xss_reader_extras import hostile_extras
from tests.security.test_xss_stories import hostile_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Script tags, handlers that fire without a click, parser-confusion (mXSS) and markup that
# breaks out of attributes or raw-text elements.
WORST = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '<img src=x onerror="alert(String.fromCharCode(88,83,83))">',
]


@pytest.fixture
def dialogs():
    return []


def open_page(browser, base_url, dialogs):
    page = browser.new_page(viewport=DESKTOP)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    serve_site_only(page, base_url)
    return page


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # handlers on lazy images and toggles fire right after load


def clear_content():
    """Remove one payload's rows before the next (their slugs are fixed) and the page cache."""
    Article.objects.all().delete()
    Author.objects.all().delete()
    Section.objects.all().delete()
    Page.objects.all().delete()
    SupportAppeal.objects.all().delete()
    cache.clear()


def test_no_payload_runs_in_reader_pages(live_server, dialogs):
    with chromium() as browser:
        page = open_page(browser, live_server.url, dialogs)
        # The watch works: a page that does run script is caught.
        page.set_content("<img src=x onerror=alert('canary')>")
        page.wait_for_timeout(100)
        assert dialogs == ["canary"]
        dialogs.clear()
        for number, payload in enumerate(WORST):
            story, target, author, section = hostile_story(payload)
            visit(page, f"{live_server.url}{story.get_absolute_url()}")
            visit(page, f"{live_server.url}/search/?{urlencode({'q': payload})}")
            if number % 2 == 0:  # the other listings show the same fields as the story page
                visit(page, f"{live_server.url}{author.get_absolute_url()}")
                visit(page, f"{live_server.url}/news-feed/")
            clear_content()
    assert dialogs == []


def test_no_payload_runs_through_comments_live_updates_or_pages(live_server, dialogs):
    with chromium() as browser:
        page = open_page(browser, live_server.url, dialogs)
        for payload in WORST[:6]:
            story, static_page = hostile_extras(payload)
            visit(page, f"{live_server.url}{story.get_absolute_url()}")
            page.click("[data-comment-open]")
            expect(page.locator("form.comment-form")).to_be_visible()
            visit(page, f"{live_server.url}{static_page.get_absolute_url()}")
            clear_content()
    assert dialogs == []


def test_no_payload_runs_when_script_inserts_new_items(live_server, dialogs, settings):
    """Live updates and News Feed items arriving while the page is open go into the DOM by
    script: the hostile text must stay text there too."""
    story = ArticleFactory(
        slug="live-story", is_live=True, in_news_feed=True, section=SectionFactory()
    )
    with chromium() as browser:
        page = open_page(browser, live_server.url, dialogs)
        page.clock.install()
        visit(page, f"{live_server.url}{story.get_absolute_url()}")
        for n, payload in enumerate(WORST):
            LiveUpdate.objects.create(
                article=story,
                headline=f"MLIVE{n} {payload}"[:200],
                body=f"<p>MLIVEBODY{n}</p>{payload}",
                published_at=timezone.now(),
            )
        page.clock.run_for(60_000)
        expect(page.locator("[data-live-list]")).to_contain_text(f"MLIVE{len(WORST) - 1}")

        visit(page, f"{live_server.url}/news-feed/")
        for n, payload in enumerate(WORST):
            ArticleFactory(
                headline=f"MFEED{n} {payload}"[:250],
                dek=payload,
                in_news_feed=True,
                section=story.section,
                publish_at=timezone.now(),
            )
        page.clock.run_for(120_000)
        expect(page.locator("main")).to_contain_text(f"MFEED{len(WORST) - 1}")
        page.wait_for_timeout(200)
    assert dialogs == []
