"""The story body editor's side of blocks (editorial/admin/pickers.py, editorial/widgets.py):
the pickers list only what the user may see, and the story form loads the NewsroomBlock
module with spell-check on and the live word count under the editor."""

# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)

import json
import re

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, Author
from tests.articles.admin_forms import ADD_STORY_URL, form_errors, story_form_data
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db

STORY_PICKER = "/admin/articles/article/pickers/stories/"
PHOTO_PICKER = "/admin/articles/article/pickers/photos/"


def headlines(response):
    assert response.status_code == 200
    return [story["headline"] for story in response.json()["results"]]


@pytest.fixture
def desk(roles):
    """Rita's draft, Oleh's draft, an editor's draft and a published story, all about ferries."""
    rita_byline = Author.objects.get(user=roles["reporter"])
    oleh_byline = AuthorFactory(name="Oleh Reporter", user=roles["other_reporter"])
    return {
        "rita_draft": ArticleFactory(
            headline="Ferry fares: Rita's draft",
            status=Article.Status.DRAFT,
            publish_at=None,
            authors=[rita_byline],
        ),
        "oleh_draft": ArticleFactory(
            headline="Ferry strike: Oleh's draft",
            status=Article.Status.DRAFT,
            publish_at=None,
            authors=[oleh_byline],
        ),
        "editor_draft": ArticleFactory(
            headline="Ferry company sold: embargoed",
            status=Article.Status.IN_REVIEW,
            publish_at=None,
            created_by=roles["editor"],
        ),
        "published": ArticleFactory(headline="Ferry timetable for the summer"),
    }


def test_a_reporters_story_picker_never_lists_anothers_draft(client, roles, desk):
    client.force_login(roles["reporter"])

    found = headlines(client.get(STORY_PICKER, {"q": "ferry"}))

    assert sorted(found) == ["Ferry fares: Rita's draft", "Ferry timetable for the summer"]
    # Not even by asking for it by number.
    assert headlines(client.get(STORY_PICKER, {"id": desk["oleh_draft"].pk})) == []
    assert headlines(client.get(STORY_PICKER, {"id": desk["editor_draft"].pk})) == []


def test_an_editor_picks_from_every_story_with_its_snapshot(client, roles, desk):
    client.force_login(roles["editor"])

    response = client.get(STORY_PICKER, {"q": "ferry strike"})

    [story] = response.json()["results"]
    assert story == {
        "id": desk["oleh_draft"].pk,
        "headline": "Ferry strike: Oleh's draft",
        "url": desk["oleh_draft"].get_absolute_url(),
        "section": desk["oleh_draft"].section.name,
        "status": "Draft",
        "published": False,
    }


def test_the_story_picker_costs_the_same_however_many_stories(
    client, roles, desk, django_assert_num_queries
):
    ArticleFactory.create_batch(10, headline="Ferry news in brief")
    client.force_login(roles["reporter"])
    client.get(STORY_PICKER)  # the session and the user's permissions, once

    # The user, their second-factor devices, their own and their groups' permissions, then
    # one query for the stories with their sections.
    with django_assert_num_queries(5):
        assert len(headlines(client.get(STORY_PICKER, {"q": "ferry"}))) == 12


def test_the_photo_picker_finds_photos_with_thumbnails(client, roles, django_assert_num_queries):
    harbour = PhotoFactory(caption="Boats at the harbour wall", credit="Lens/Wire")
    PhotoFactory.create_batch(3, caption="A tram on the bridge")
    client.force_login(roles["reporter"])
    client.get(PHOTO_PICKER)

    # The user, their second-factor devices, their permissions, then one for the photos.
    with django_assert_num_queries(5):
        response = client.get(PHOTO_PICKER, {"q": "harbour"})

    [photo] = response.json()["results"]
    assert photo["id"] == harbour.pk
    assert photo["title"] == "Boats at the harbour wall" and photo["credit"] == "Lens/Wire"
    assert photo["thumbnail"].startswith("/media/")
    assert [p["id"] for p in client.get(PHOTO_PICKER, {"id": harbour.pk}).json()["results"]] == [
        harbour.pk
    ]


@pytest.mark.parametrize("url", [STORY_PICKER, PHOTO_PICKER])
def test_the_pickers_refuse_the_anonymous_and_non_staff(client, url, desk):
    PhotoFactory()
    response = client.get(url, {"q": "ferry"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    reader = get_user_model().objects.create_user("reader", password="pw-reader-1")
    client.force_login(reader)
    response = client.get(url, {"q": "ferry"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert b"Ferry" not in response.content


@pytest.mark.parametrize("url", [STORY_PICKER, PHOTO_PICKER])
def test_staff_without_story_or_photo_rights_are_refused(client, roles, url, desk):
    client.force_login(roles["audience"])

    response = client.get(url, {"q": "ferry"})

    assert response.status_code == 403
    assert b"Ferry" not in response.content


def editor_config(content):
    match = re.search(r'data-django-prose-editor-configurable="([^"]+)"', content)
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_the_body_editor_loads_blocks_with_spell_check_and_a_word_count(admin_client):
    content = admin_client.get(ADD_STORY_URL).content.decode()

    config = editor_config(content)
    assert "NoSpellCheck" not in config["extensions"]
    assert config["extensions"]["NewsroomBlock"] == {
        "storyPicker": STORY_PICKER,
        "photoPicker": PHOTO_PICKER,
    }
    assert any(module.endswith("admin-extra/newsroom-block.js") for module in config["js_modules"])
    assert {"group": "newsroomBlocks"} in config["extensions"]["Menu"]["groups"]
    assert 'id="id_body_stats" role="status" aria-live="polite"' in content
    assert "admin-extra/body-stats.js" in content and "admin-extra/story-blocks.css" in content
    # The paragraph-numbered embeds are gone from the form: blocks live in the body.
    assert 'id="embeds-group"' not in content


def test_a_story_card_for_a_draft_the_reporter_may_not_see_is_refused(client, roles):
    hidden = ArticleFactory(headline="Embargoed", status=Article.Status.DRAFT, publish_at=None)
    published = ArticleFactory()
    client.force_login(roles["reporter"])
    stories = Article.objects.count()

    for target, saved in [(hidden, False), (published, True)]:
        body = f'<p>Read on.</p><figure data-block="story" data-story="{target.pk}"></figure>'
        data = story_form_data(section=SectionFactory(), body=body, slug=f"read-{target.pk}")
        response = client.post(ADD_STORY_URL, data)
        assert (response.status_code == 302) is saved, form_errors(response)
        if not saved:
            assert "you may not see" in form_errors(response)["form"]["body"][0]
            assert "Embargoed" not in response.content.decode()
    assert Article.objects.count() == stories + 1
