# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Corrections and updates: story foot, dateModified, sitemap lastmod, /corrections/, cache."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import Correction
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_correction_shows_at_the_foot_in_local_time_and_moves_date_modified(client, roles):
    story = ArticleFactory(publish_at=timezone.now() - timedelta(days=3))
    # 23:30 UTC on Dec. 27 is already Dec. 28 in Kyiv: the date follows TIME_ZONE.
    at = datetime(2023, 12, 27, 23, 30, tzinfo=ZoneInfo("UTC"))
    story.publish_at = at - timedelta(days=1)
    story.save(update_fields=["publish_at"])

    services.add_correction(
        story, text="An earlier version misstated the bridge's length.", by=roles["editor"], at=at
    )
    html = client.get(story.get_absolute_url()).content.decode()

    assert settings.TIME_ZONE == "Europe/Kyiv"
    assert "Correction, <time" in html and ">Dec. 28, 2023</time>:</strong>" in html
    assert "misstated the bridge" in html
    assert json_ld(html)["dateModified"] == timezone.localtime(at).isoformat()


def test_sitemap_lastmod_follows_the_correction(client, roles):
    story = ArticleFactory(publish_at=timezone.now() - timedelta(days=2))
    correction = services.add_correction(story, text="Fixed a name.", by=roles["editor"])

    sitemap = client.get("/sitemap.xml").content.decode()

    local = timezone.localtime(correction.published_at).date().isoformat()
    entry = sitemap.split(story.get_absolute_url())[1].split("</url>")[0]
    assert f"<lastmod>{local}" in entry


def test_reporters_cannot_publish_corrections(roles):
    story = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.add_correction(story, text="Nope", by=roles["reporter"])
    assert not Correction.objects.exists()


def test_correction_added_in_the_admin_retires_cached_pages(
    client, roles, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STALE_SECONDS = 600
    story = ArticleFactory(authors=[AuthorFactory()])
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    editor = client.__class__()
    editor.force_login(roles["editor"])
    admin_url = f"/admin/articles/article/{story.pk}/change/"
    data = change_form_data(editor, admin_url)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "update",
            "corrections-0-text": "Police have since named the driver.",
            "corrections-0-published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "corrections-0-published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(admin_url, data).status_code == 302

    response = client.get(url)
    assert response["X-Page-Cache"] != "hit"
    assert "Update, <time" in response.content.decode()
    story.refresh_from_db()
    assert story.updated_at == Correction.objects.get().published_at


def test_corrections_page_lists_latest_first_in_constant_queries(client, roles):
    editor = roles["editor"]
    hidden = ArticleFactory(status="withdrawn")
    Correction.objects.create(article=hidden, text="Not shown: the story was taken down.")
    for n in range(3):
        services.add_correction(
            ArticleFactory(headline=f"Story {n}"),
            text=f"Correction number {n}.",
            by=editor,
            at=timezone.now() - timedelta(minutes=10 - n),
        )
    client.get("/corrections/")  # warm the navigation cache

    with CaptureQueriesContext(connection) as few:
        html = client.get("/corrections/").content.decode()
    for n in range(3, 12):
        services.add_correction(ArticleFactory(), text=f"More {n}.", by=editor)
    client.get("/corrections/")
    with CaptureQueriesContext(connection) as many:
        client.get("/corrections/")

    assert len(few) == len(many)
    assert html.index("Correction number 2.") < html.index("Correction number 0.")
    assert "taken down" not in html
    assert 'href="/corrections/"' in html  # the footer link


def test_corrections_page_paginates(client, roles):
    story = ArticleFactory()
    Correction.objects.bulk_create(
        Correction(article=story, text=f"Item {n}.", published_at=timezone.now()) for n in range(31)
    )
    assert "Page 1 of 2" in client.get("/corrections/").content.decode()
    assert client.get("/corrections/?page=2").status_code == 200


def test_the_updated_line_leads_to_the_newest_correction(client, roles):
    story = ArticleFactory(publish_at=timezone.now() - timedelta(days=3))
    services.add_correction(story, text="Fixed a date.", by=roles["editor"])
    newest = services.add_correction(story, text="Fixed a name.", by=roles["editor"])

    html = client.get(story.get_absolute_url()).content.decode()

    assert f'<a href="#correction-{newest.pk}">Updated</a>' in html
    assert f'id="correction-{newest.pk}"' in html
