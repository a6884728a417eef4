"""The XSS corpus through reader contributions and the newer reader blocks: comments, live
updates (page and JSON), static pages and their menus, the support appeal, and search (both
the reflected query and highlighted results)."""

import json

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from live.models import LiveUpdate
from pages.models import Page, SupportAppeal
from tests.factories import ArticleFactory
from tests.security.htmlcheck import assert_no_script
from tests.security.payloads import PAYLOADS, hostile, hostile_url, payload_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _appeal_shown(settings):
    settings.DONATION_URL = "https://example.org/donate"


def hostile_extras(payload):
    story = ArticleFactory(
        slug="live-story",
        headline=hostile(Article, "headline", payload, "MHEADLINE zebracrossing"),
        body=f"<p>zebracrossing MBODY</p>{payload}<p>zebracrossing {payload}</p>",
        is_live=True,
        comments_enabled=True,
    )
    Comment.objects.create(
        article=story,
        name=hostile(Comment, "name", payload, "MCOMMENTER"),
        email="reader@example.org",
        body=f"MCOMMENT {payload}\n\n{payload} https://example.org/{payload}",
        status=Comment.Status.APPROVED,
    )
    LiveUpdate.objects.create(
        article=story,
        headline=hostile(LiveUpdate, "headline", payload, "MLIVEHEAD"),
        body=f"<p>MLIVEBODY</p>{payload}",
        embed_url=hostile_url(LiveUpdate, "embed_url", payload),
        published_at=timezone.now() - timezone.timedelta(minutes=5),
    )
    page = Page.objects.create(
        title=hostile(Page, "title", payload, "MPAGETITLE"),
        slug="about",
        intro=hostile(Page, "intro", payload, "MPAGEINTRO"),
        body=f"<p>MPAGEBODY</p>{payload}",
        is_published=True,
    )
    SupportAppeal.objects.create(
        heading=hostile(SupportAppeal, "heading", payload, "MAPPEAL"),
        text=f"MAPPEALTEXT {payload}\n\n{payload}",
        button_label=hostile(SupportAppeal, "button_label", payload, "MBUTTON"),
        currency_symbol=payload[:5],
        amounts="5, 10",
    )
    return story, page


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_reader_contributions_and_blocks_render_payload_inert(client, payload):
    story, page = hostile_extras(payload)

    html = client.get(story.get_absolute_url()).content.decode()
    assert_no_script(html, where="live story page")
    for marker in ("MCOMMENTER", "MCOMMENT", "MLIVEHEAD", "MLIVEBODY", "MAPPEAL", "MBUTTON"):
        assert marker in html, f"{marker} missing from the story page"
    assert "MPAGETITLE" in html  # the More menu and footer list the page

    updates = client.get(f"/story/{story.slug}/updates.json")
    assert updates.status_code == 200
    for update in json.loads(updates.content)["updates"]:
        assert_no_script(update["html"], where="live update JSON")
        assert "MLIVEBODY" in update["html"]

    page_html = client.get(page.get_absolute_url()).content.decode()
    assert_no_script(page_html, where="static page")
    assert "MPAGEINTRO" in page_html and "MPAGEBODY" in page_html

    for query in ("zebracrossing", payload):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        assert_no_script(response.content.decode(), where=f"search for {query!r}")
    assert "MHEADLINE" in client.get("/search/", {"q": "zebracrossing"}).content.decode()
