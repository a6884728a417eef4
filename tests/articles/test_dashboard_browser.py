"""The desk on the admin index in headless Chromium: the In review and Scheduled queues keep
headlines readable on a laptop and a desktop screen (each headline cell at least 200 px wide
and at most three lines), and no panel scrolls sideways."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from editorial.roles import EDITOR
from tests.articles.workflow_helpers import PASSWORD, make_user
from tests.browser_utils import chromium, screenshot, serve_site_only
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINES = [
    "Parliament passes the reconstruction budget after an all-night session in Kyiv",
    "Drone makers in Lviv double output as the winter orders arrive early this year",
    "Ferry to the islands returns for the summer with two new boats and a night sailing",
]
QUEUES = ["#desk-in-review", "#desk-scheduled"]

MEASURE = """(queue) => {
  const panel = document.querySelector(queue);
  const cells = [...panel.querySelectorAll("tbody th")].map((cell) => {
    const link = cell.querySelector("a");
    const lineHeight = parseFloat(getComputedStyle(link).lineHeight);
    return {
      width: cell.getBoundingClientRect().width,
      lines: Math.round(link.getBoundingClientRect().height / lineHeight),
    };
  });
  return {cells, scrolls: panel.scrollWidth > panel.clientWidth + 1};
}"""


def test_review_and_schedule_queues_keep_headlines_readable(live_server, django_user_model):
    editor = make_user(django_user_model, "erin", EDITOR)
    editor.first_name, editor.last_name = "Erin", "Oleksandrenko-Vasylenko"
    editor.save()
    author = AuthorFactory()
    soon = timezone.now() + timedelta(days=1)
    for number, headline in enumerate(HEADLINES):
        for story in (
            ArticleFactory(
                headline=headline, status="in_review", publish_at=None, authors=[author]
            ),
            ArticleFactory(
                headline=f"{headline}, scheduled",
                status="scheduled",
                publish_at=soon + timedelta(hours=number),
                authors=[author],
            ),
        ):
            # "last saved by" with a long name, as the admin's log records a save.
            LogEntry.objects.log_actions(editor.pk, [story], CHANGE, single_object=True)

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        serve_site_only(page, live_server.url)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", "erin")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        for width in (1024, 1280, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"desk-{width}")
            for queue in QUEUES:
                measured = page.evaluate(MEASURE, queue)
                assert len(measured["cells"]) == len(HEADLINES), (width, queue)
                for cell in measured["cells"]:
                    assert cell["width"] >= 200, (width, queue, cell)
                    assert cell["lines"] <= 3, (width, queue, cell)
                assert not measured["scrolls"], (width, queue)
