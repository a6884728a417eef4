# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Autosaved recovery copies of the story form, and editors' notes that readers never see."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles.models import Article
from editorial import editing
from editorial.models import AutosaveDraft
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory

pytestmark = pytest.mark.django_db

AUTOSAVE_URL = "/admin/articles/article/autosave/"


@pytest.fixture
def story():
    story = ArticleFactory(
        headline="Harvest starts early in the south",
        dek="A warm spring moved the calendar by two weeks.",
        tag_names=["farming"],
    )
    BylineFactory(article=story, author=AuthorFactory(), position=1)
    return story


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def typed(story, **fields):
    return {
        "story": str(story.pk) if story else "new",
        "headline": "Harvest starts three weeks early in the south",
        "dek": story.dek if story else "",
        "body": "<p>Combines were out on Monday.</p>",
        "tags": "farming, weather",
        **fields,
    }


def test_autosave_stores_a_recovery_copy_and_never_touches_the_story(client, roles, story):
    client.force_login(roles["editor"])

    response = client.post(AUTOSAVE_URL, typed(story))

    assert response.status_code == 200
    assert "saved_at" in response.json()
    draft = AutosaveDraft.objects.get(user=roles["editor"], story_key=str(story.pk))
    assert draft.article == story
    assert draft.data["headline"] == "Harvest starts three weeks early in the south"
    story.refresh_from_db()
    assert story.headline == "Harvest starts early in the south"
    # A second autosave replaces the copy rather than piling them up.
    client.post(AUTOSAVE_URL, typed(story, headline="Third try"))
    assert AutosaveDraft.objects.get(story_key=str(story.pk)).data["headline"] == "Third try"
    assert AutosaveDraft.objects.count() == 1


def test_the_script_learns_the_autosaved_fields_from_the_page(client, roles, story):
    client.force_login(roles["editor"])

    page = client.get(change_url(story)).content.decode()

    block = re.search(r'<script id="autosaved-fields" type="application/json">(.*?)</script>', page)
    assert json.loads(block[1]) == list(editing.AUTOSAVED_FIELDS)
    # One list: the script keeps no copy that could drift from the server's.
    script = Path(__file__).parents[2] / "static/admin-extra/story-editing.js"
    assert "audio_transcript_url" not in script.read_text()


def test_reopening_offers_the_copy_and_restoring_fills_the_form(client, roles, story):
    client.force_login(roles["editor"])
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        client.post(AUTOSAVE_URL, typed(story))

    # The tab was closed; the editor opens the story again.
    page = client.get(change_url(story))
    assert "There is an unsaved copy of your typing" in page.content.decode()
    form = page.context["adminform"].form
    assert form["headline"].value() == "Harvest starts early in the south"

    restored = client.get(change_url(story), {"restore_autosave": "1"})

    form = restored.context["adminform"].form
    assert form["headline"].value() == "Harvest starts three weeks early in the south"
    assert "Combines were out on Monday." in form["body"].value()
    assert form["tags"].value() == "farming, weather"
    assert "Restored your unsaved copy" in restored.content.decode()
    # Still only a copy until the editor saves.
    assert Article.objects.get(pk=story.pk).headline == "Harvest starts early in the south"


def test_saving_the_restored_form_keeps_the_text_and_deletes_the_copy(client, roles, story):
    client.force_login(roles["editor"])
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        client.post(AUTOSAVE_URL, typed(story))
    data = change_form_data(client, change_url(story) + "?restore_autosave=1")

    response = client.post(change_url(story), data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Harvest starts three weeks early in the south"
    assert sorted(story.tags.names()) == ["farming", "weather"]
    assert not AutosaveDraft.objects.exists()
    assert "unsaved copy" not in client.get(change_url(story)).content.decode()


def test_discarding_deletes_the_copy(client, roles, story):
    client.force_login(roles["editor"])
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        client.post(AUTOSAVE_URL, typed(story))

    response = client.post(reverse("admin:articles_article_autosave_discard", args=[str(story.pk)]))

    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    assert not AutosaveDraft.objects.exists()
    assert "unsaved copy" not in client.get(change_url(story)).content.decode()


def test_a_copy_older_than_the_saved_story_is_not_offered(client, roles, story):
    client.force_login(roles["editor"])
    with freeze_time(timezone.now() - timedelta(minutes=5)):
        client.post(AUTOSAVE_URL, typed(story))

    page = client.get(change_url(story))

    assert "unsaved copy" not in page.content.decode()


def test_copies_are_per_editor(client, roles, story):
    client.force_login(roles["editor"])
    with freeze_time(timezone.now() + timedelta(minutes=1)):
        client.post(AUTOSAVE_URL, typed(story))
    client.force_login(roles["superuser"])

    assert "unsaved copy" not in client.get(change_url(story)).content.decode()


def test_a_new_story_is_recovered_on_the_add_form(client, roles):
    client.force_login(roles["reporter"])
    client.post(AUTOSAVE_URL, typed(None, headline="Wind farm approved off the coast"))
    add_url = reverse("admin:articles_article_add")

    offer = client.get(add_url)
    restored = client.get(add_url, {"restore_autosave": "1"})

    assert "There is an unsaved copy of your typing" in offer.content.decode()
    form = restored.context["adminform"].form
    assert form["headline"].value() == "Wind farm approved off the coast"


def test_autosave_refuses_stories_the_user_may_not_edit(client, roles):
    others = ArticleFactory(status="draft", publish_at=None)
    client.force_login(roles["other_reporter"])

    response = client.post(AUTOSAVE_URL, typed(others))

    assert response.status_code == 403
    assert not AutosaveDraft.objects.exists()


def test_autosave_keeps_only_the_form_fields_it_knows(roles, story):
    draft = editing.store_autosave(
        user=roles["editor"], article=story, data={"headline": "x", "status": "published"}
    )

    assert draft.data == {"headline": "x"}


# --- editors' notes ------------------------------------------------------------------------

SECRET = "Lawyer-checked-quote-7Q4"


def test_editor_notes_are_in_the_admin_form(client, roles, story):
    story.editor_notes = SECRET
    story.save(update_fields=["editor_notes"])
    client.force_login(roles["editor"])

    assert SECRET in client.get(change_url(story)).content.decode()


def test_editor_notes_never_reach_reader_pages(client, story):
    story.editor_notes = SECRET
    story.is_editors_pick = story.in_news_feed = True
    story.save(update_fields=["editor_notes", "is_editors_pick", "in_news_feed"])

    pages = [
        story.get_absolute_url(),
        "/",
        story.section.get_absolute_url(),
        "/news-feed/",
        "/feed/",
        "/feed/atom/",
        f"/section/{story.section.slug}/feed/",
        "/tag/farming/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/search/?q=Harvest",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code in {200, 404}, page
        assert SECRET not in response.content.decode(), page
    assert client.get(story.get_absolute_url()).status_code == 200
    # The notes are not searchable: searching for them finds no story.
    found = client.get("/search/", {"q": SECRET}).content.decode()
    assert story.headline not in found
