# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Two editors on one story: the later save is refused, keeps what they typed, shows the
difference, and goes through only when they say they have merged. Plus who else is here."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from editorial import editing, revisions
from tests.articles.workflow_helpers import change_form_data, make_user, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    story = ArticleFactory(
        headline="Bridge repairs begin on Monday",
        dek="Traffic will use one lane for a month.",
        body="<p>Crews arrive at six.</p><p>Buses take the old road.</p>",
        tag_names=["roads"],
    )
    BylineFactory(article=story, author=AuthorFactory(name="Iryna Lis"), position=1)
    return story


@pytest.fixture
def two_editors(roles, django_user_model):
    second = make_user(django_user_model, "ostap", first_name="Ostap", last_name="Kovalenko")
    second.groups.set(roles["editor"].groups.all())
    first_client, second_client = Client(), Client()
    first_client.force_login(roles["editor"])
    second_client.force_login(second)
    return first_client, second_client, second


def url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def test_the_form_carries_the_version_it_was_opened_at(client, roles, story):
    client.force_login(roles["editor"])

    data = change_form_data(client, url(story))

    assert data["_opened_at"] == editing.edit_token(story)


def test_a_save_on_top_of_someone_elses_is_refused_and_keeps_the_typing(story, two_editors):
    first, second, second_user = two_editors
    # Both open the story.
    first_data = change_form_data(first, url(story))
    second_data = change_form_data(second, url(story))
    # The second editor saves first.
    second_data["headline"] = "Bridge repairs begin on Tuesday"
    assert second.post(url(story), second_data).status_code == 302

    # The first editor's save, with their own changes to text, tags and byline order.
    first_data.update(
        headline="Bridge repairs start on Monday morning",
        body="<p>Crews arrive at five.</p><p>Buses take the old road.</p>",
        tags="roads, bridges",
        **{"bylines-0-position": "3"},
    )
    response = first.post(url(story), first_data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "saved by someone else while you were editing" in html
    assert "by ostap" in html or "by Ostap Kovalenko" in html
    # Everything typed is still in the form, inlines included.
    form = response.context["adminform"].form
    assert form["headline"].value() == "Bridge repairs start on Monday morning"
    assert "Crews arrive at five." in form["body"].value()
    assert form["tags"].value() == "roads, bridges"
    bylines = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "bylines"
    )
    assert bylines.formset.forms[0]["position"].value() == "3"
    # The difference from the saved version, word by word.
    assert "<del>Tuesday</del>" in html
    assert "<del>six.</del><ins>five.</ins>" in html
    assert "I have merged; save over it" in html
    # Nothing was overwritten.
    story.refresh_from_db()
    assert story.headline == "Bridge repairs begin on Tuesday"


def test_saving_again_without_ticking_merged_is_still_refused(story, two_editors):
    first, second, _ = two_editors
    first_data = change_form_data(first, url(story))
    second_data = change_form_data(second, url(story), headline="Second saved this")
    second.post(url(story), second_data)
    first_data["headline"] = "First typed this"
    refused = first.post(url(story), first_data)

    # Resubmit the re-rendered form as it is (no tick).
    again = first.post(
        url(story), {**first_data, "_conflict_seen": refused.context["editing"]["conflict"]["seen"]}
    )

    assert again.status_code == 200
    story.refresh_from_db()
    assert story.headline == "Second saved this"


def test_ticking_merged_saves_over_it_deliberately(story, two_editors):
    first, second, _ = two_editors
    first_data = change_form_data(first, url(story))
    second.post(url(story), change_form_data(second, url(story), headline="Second saved this"))
    first_data["headline"] = "Merged: first and second"
    refused = first.post(url(story), first_data)
    seen = refused.context["editing"]["conflict"]["seen"]

    saved = first.post(url(story), {**first_data, "_conflict_seen": seen, "_merged": "1"})

    assert saved.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Merged: first and second"
    # Both saves are in the history.
    comments = [v.field_dict["headline"] for v in revisions.story_versions(story)]
    assert comments[:2] == ["Merged: first and second", "Second saved this"]


def test_merged_tick_does_not_cover_a_third_save(story, two_editors, roles):
    first, second, _ = two_editors
    first_data = change_form_data(first, url(story))
    second.post(url(story), change_form_data(second, url(story), headline="Second"))
    first_data["headline"] = "First"
    seen = first.post(url(story), first_data).context["editing"]["conflict"]["seen"]
    # Yet another save lands while the first editor merges.
    second.post(url(story), change_form_data(second, url(story), headline="Third"))

    response = first.post(url(story), {**first_data, "_conflict_seen": seen, "_merged": "1"})

    assert response.status_code == 200
    assert Article.objects.get(pk=story.pk).headline == "Third"


def test_the_same_editor_saving_twice_in_a_row_is_not_a_clash(client, roles, story):
    client.force_login(roles["editor"])
    assert (
        client.post(url(story), change_form_data(client, url(story), dek="One.")).status_code == 302
    )
    assert (
        client.post(url(story), change_form_data(client, url(story), dek="Two.")).status_code == 302
    )
    story.refresh_from_db()
    assert story.dek == "Two."


# --- presence -------------------------------------------------------------------------------


def test_the_form_names_who_else_has_the_story_open(story, two_editors):
    first, second, _ = two_editors
    first.get(url(story))

    page = second.get(url(story))

    assert "Also open by erin" in page.content.decode()
    # The first editor's own page does not list themselves, but sees the second one.
    again = first.get(url(story)).content.decode()
    assert "Also open by Ostap Kovalenko" in again
    assert "Also open by erin" not in again


def test_the_heartbeat_reports_others_and_forgets_them_after_a_minute(story, two_editors):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    first, second, _ = two_editors
    presence = reverse("admin:articles_article_presence", args=[story.pk])
    start = timezone.now()
    with freeze_time(start):
        assert first.post(presence).json() == {"others": []}
        assert second.post(presence).json() == {"others": ["erin"]}
    with freeze_time(start + timedelta(seconds=editing.PRESENCE_TIMEOUT_SECONDS + 1)):
        assert second.post(presence).json() == {"others": []}


def test_leaving_removes_the_notice_at_once(story, two_editors):
    first, second, _ = two_editors
    presence = reverse("admin:articles_article_presence", args=[story.pk])
    first.post(presence)

    first.post(presence, {"leaving": "1"})

    assert second.post(presence).json() == {"others": []}


def test_the_heartbeat_is_post_only_and_staff_only(client, story):
    presence = reverse("admin:articles_article_presence", args=[story.pk])

    assert client.post(presence).status_code == 302  # to the admin login
