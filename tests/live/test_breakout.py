"""Posting updates in the admin and breaking one out into a full story."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.body import blocks_in
from articles.models import Article
from live import services
from live.models import LiveUpdate
from tests.factories import AuthorFactory
from tests.live.factories import LiveStoryFactory, LiveUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        "editor", "editor@example.org", "pw-long-enough"
    )


def test_break_out_makes_a_draft_that_links_back(editor):
    live = LiveStoryFactory(headline="Storm live")
    author = AuthorFactory()
    update = LiveUpdateFactory(
        article=live,
        headline="Dam holds as river peaks",
        author=author,
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )

    story = services.break_out(update=update, by=editor)

    assert story.status == Article.Status.DRAFT and not story.is_published
    assert story.headline == "Dam holds as river peaks" and story.section == live.section
    assert f'href="{live.get_absolute_url()}"' in story.body and "Storm live" in story.body
    assert story.byline_authors == [author]
    assert story.created_by == editor
    (embed,) = blocks_in(story.body)
    assert (embed.kind, embed.get("data-url")) == ("media", update.embed_url)
    update.refresh_from_db()
    assert update.broken_out_article == story
    assert services.break_out(update=update, by=editor) == story  # not a second draft


def test_the_update_links_to_the_full_story_once_it_is_published(client, editor):
    live = LiveStoryFactory()
    update = LiveUpdateFactory(article=live)
    story = services.break_out(update=update, by=editor)

    assert "Read the full story" not in client.get(live.get_absolute_url()).content.decode()

    story.status = Article.Status.PUBLISHED
    story.save()
    html = client.get(live.get_absolute_url()).content.decode()

    assert f'Read the full story: <a href="{story.get_absolute_url()}">' in html


def test_editors_post_updates_in_the_admin(client, editor):
    live = LiveStoryFactory()
    LiveStoryFactory(is_live=False, headline="Not a live story")
    client.force_login(editor)

    response = client.post(
        reverse("admin:live_liveupdate_add"),
        {
            "article": live.pk,
            "headline": "Bridge reopens",
            "body": "<p>Traffic moves again.</p><script>alert(1)</script>",
            "embed_url": "",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
            "is_pinned": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    update = LiveUpdate.objects.get()
    assert update.created_by == editor and update.is_pinned
    assert "<script>" not in update.body


def test_admin_story_picker_offers_live_stories_only(client, editor):
    live = LiveStoryFactory(headline="Flood live")
    LiveStoryFactory(is_live=False, headline="Flood explainer")
    client.force_login(editor)

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Flood", "app_label": "live", "model_name": "liveupdate", "field_name": "article"},
    )

    assert [result["id"] for result in response.json()["results"]] == [str(live.pk)]


def test_break_out_action_in_the_admin(client, editor):
    update = LiveUpdateFactory(headline="Evacuation ordered in two villages")
    client.force_login(editor)

    response = client.post(
        reverse("admin:live_liveupdate_changelist"),
        {"action": "break_out_updates", "_selected_action": [update.pk]},
        follow=True,
    )

    story = Article.objects.get(headline="Evacuation ordered in two villages")
    assert reverse("admin:articles_article_change", args=[story.pk]) in response.content.decode()


def test_admin_pages_render(client, editor):
    update = LiveUpdateFactory()
    client.force_login(editor)

    for url in (
        reverse("admin:live_liveupdate_changelist"),
        reverse("admin:live_liveupdate_add"),
        reverse("admin:live_liveupdate_change", args=[update.pk]),
    ):
        assert client.get(url).status_code == 200, url
