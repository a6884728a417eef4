"""The desk's busiest admin screens in headless Chromium pass axe-core (WCAG 2.1 A and AA) in
light and in dark mode: the dashboard (for a superuser, an Editor and a Reporter), the story
list, the story form with its publish panel and blocks in its body (a card, a photo, an embed
and a pull quote, one of them open for editing: an Editor's), the read-only story a Reporter
opens, the subscriber list and the subscriber import page, each with content on it.

Dark mode is asked for both ways the admin knows: the browser's prefers-color-scheme and the
admin's own theme toggle (localStorage "theme"), so neither path hides a contrast failure.
Dark screenshots go to test-artifacts/admin-dark-*.png."""

from datetime import timedelta
from pprint import pformat

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from editorial.roles import EDITOR, REPORTER
from photos.renditions import ensure_renditions
from tests.articles.workflow_helpers import PASSWORD, make_user
from tests.browser.tools import axe_violations
from tests.browser_utils import DESKTOP, chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory
from tests.subscriptions.factories import NewsletterFactory, SubscriberFactory, active_subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "dashboard": "/admin/",
    "stories": "/admin/articles/article/",
    "subscribers": "/admin/subscriptions/subscriber/",
    "import": "/admin/subscriptions/subscriber/import/",
}

DASHBOARD = {"dashboard": PAGES["dashboard"]}

# Run before any of the page's scripts, so Django's theme.js reads the chosen theme at once.
THEME_SCRIPT = "window.localStorage.setItem('theme', '{theme}');"


@pytest.fixture
def desk(django_user_model):
    """A superuser, an Editor and a Reporter with a byline, and a desk with something in
    every queue: published stories, one in review, one scheduled, a reporter's draft, and
    subscribers of every common status."""
    users = {
        "superuser": make_user(django_user_model, "root", is_superuser=True),
        "editor": make_user(django_user_model, "erin", EDITOR),
        "reporter": make_user(django_user_model, "rita", REPORTER),
    }
    reporter_byline = AuthorFactory(
        name="Rita Reporter", slug="rita-reporter", user=users["reporter"]
    )
    card, *_ = ArticleFactory.create_batch(3)
    soon = timezone.now() + timedelta(days=1)
    stories = (
        ArticleFactory(
            headline="Harbour reopens after the winter storms",
            status="in_review",
            publish_at=None,
            authors=[reporter_byline],
        ),
        ArticleFactory(
            headline="Parliament votes on the reconstruction budget",
            status="scheduled",
            publish_at=soon,
        ),
        ArticleFactory(
            headline="Ferry timetable for the summer",
            status="draft",
            publish_at=None,
            authors=[reporter_byline],
        ),
    )
    for story in stories:
        LogEntry.objects.log_actions(users["editor"].pk, [story], CHANGE, single_object=True)

    photo = PhotoFactory(caption="Boats at the harbour wall")
    ensure_renditions(photo)
    users["story"] = ArticleFactory(
        headline="The harbour after the storm",
        body=(
            "<p>The storm passed at dawn.</p>"
            f'<figure data-block="story" data-story="{card.pk}" data-headline="{card.headline}" '
            f'data-url="{card.get_absolute_url()}"></figure>'
            f'<p>Fishermen counted their losses.</p><figure data-block="photo" '
            f'data-photo="{photo.pk}"></figure>'
            '<figure data-block="media" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
            '</figure><figure data-block="quote" data-text="We lost two boats." '
            'data-attribution="The harbour master"></figure><p>The ferry runs on Monday.</p>'
        ),
    )

    newsletter = NewsletterFactory(name="Morning Briefing")
    for number in range(3):
        active_subscriber(newsletter, first_name=f"Reader {number}")
    SubscriberFactory(status="pending", confirmed_at=None)
    SubscriberFactory(status="unsubscribed")
    story_form = "/admin/articles/article/{}/change/"
    users["pages"] = {
        "superuser": PAGES,
        "editor": {**DASHBOARD, "story-form": story_form.format(users["story"].pk)},
        "reporter": {**DASHBOARD, "story-read-only": story_form.format(stories[1].pk)},
    }
    return users


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def themed_page(browser, base_url, theme):
    """A page whose media query and admin theme toggle both say `theme`."""
    page = browser.new_page(viewport=DESKTOP, color_scheme=theme)
    page.add_init_script(THEME_SCRIPT.format(theme=theme))
    serve_site_only(page, base_url)
    return page


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_admin_pages_pass_axe(live_server, desk, theme):
    found = {}
    with chromium() as browser:
        for role in ("superuser", "editor", "reporter"):
            page = themed_page(browser, live_server.url, theme)
            sign_in(page, live_server.url, desk[role].username)
            # The superuser walks the lists; the others their dashboard and a story.
            paths = desk["pages"][role]
            for name, path in paths.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200, (role, name, response.status)
                page.wait_for_load_state("networkidle")
                if name == "story-form":
                    # The body's blocks are drawn, and one shows its fields.
                    page.locator(".nb-card--photo summary").click()
                    page.locator(".nb-card--photo img.nb-card__thumb").wait_for()
                assert page.evaluate("document.documentElement.dataset.theme") == theme
                violations = axe_violations(page)
                if violations:
                    # Rule and element, one a line: the full axe report of a dozen inputs
                    # would bury which rules failed.
                    found[f"{role} {name}"] = [
                        f"{violation['id']}: {node.split(' :: ')[0]}"
                        for violation in violations
                        for node in violation["nodes"]
                    ]
                if role == "superuser" and theme == "dark":
                    screenshot(page, f"admin-dark-{name}")
                if name.startswith("story"):
                    screenshot(page, f"admin-{theme}-{name}")
            page.close()

    assert found == {}, pformat(found)
