# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Permissions on the object, not only the model: what the policy matrix found, one by one
(tests/security/test_policy_matrix.py runs them all for every role and state)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from taggit.models import Tag

from articles.models import Article
from editorial.models import PreviewLink
from photos import services as photo_services
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PhotoFactory,
    block,
    place,
    uploaded_jpeg,
)
from tests.newsletters.factories import IssueFactory

pytestmark = pytest.mark.django_db

PHOTO = "/admin/photos/photo/{}/change/"
STORY = "/admin/articles/article/{}/change/"


def _photo_post(client, photo, **changes):
    url = PHOTO.format(photo.pk)
    return client.post(
        url,
        {
            "caption": changes.get("caption", photo.caption),
            "credit": photo.credit,
            "alt_text": photo.alt_text,
            "focal_x": "0.5",
            "focal_y": "0.5",
            **({"image": changes["image"]} if "image" in changes else {}),
        },
    )


@pytest.mark.parametrize("use", ["lead of a published story", "author portrait", "card image"])
def test_a_reporter_cannot_change_a_photo_readers_see(client, roles, use):
    photo = PhotoFactory(caption="As readers see it")
    if use == "lead of a published story":
        ArticleFactory(lead_photo=photo, created_by=roles["reporter"])
    elif use == "author portrait":
        AuthorFactory(photo=photo)
    else:
        place(
            ArticleFactory(), block("link", url="https://example.org/", title="A", photo=photo.pk)
        )
    stored = photo.image.name
    client.force_login(roles["reporter"])

    caption = _photo_post(client, photo, caption="Changed on the live page")
    image = _photo_post(client, photo, image=uploaded_jpeg("swap.jpg", color=(200, 0, 0)))

    assert (caption.status_code, image.status_code) == (403, 403)
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("As readers see it", stored)
    with pytest.raises(PermissionDenied):
        photo.caption = "Through the service"
        photo_services.save_photo(photo=photo, by=roles["reporter"])


def test_photos_of_drafts_stay_the_reporters_and_public_ones_the_editors(client, roles):
    draft_photo, live_photo = PhotoFactory(), PhotoFactory()
    ArticleFactory(lead_photo=draft_photo, status="draft", publish_at=None)
    ArticleFactory(lead_photo=live_photo)

    client.force_login(roles["reporter"])
    assert _photo_post(client, draft_photo, caption="Draft caption").status_code == 302
    client.force_login(roles["editor"])
    assert _photo_post(client, live_photo, caption="Editor's caption").status_code == 302

    draft_photo.refresh_from_db()
    live_photo.refresh_from_db()
    assert (draft_photo.caption, live_photo.caption) == ("Draft caption", "Editor's caption")


def test_a_card_target_never_prints_a_story_the_reporter_may_not_see(client, roles):
    own = ArticleFactory(status="draft", publish_at=None, created_by=roles["reporter"])
    secret = ArticleFactory(
        status="draft", publish_at=None, created_by=roles["other_reporter"], headline="Secret plan"
    )
    client.force_login(roles["reporter"])
    url = STORY.format(own.pk)
    data = change_form_data(client, url)
    body_before = own.body
    data["body"] = f'<p>Read on.</p><figure data-block="story" data-story="{secret.pk}"></figure>'
    data["headline"] = ""  # an error elsewhere too: the form comes back with what was posted

    page = client.post(url, data)

    assert page.status_code == 200
    assert "Secret plan" not in page.content.decode()
    assert "a story you may not see" in page.content.decode()
    own.refresh_from_db()
    assert own.body == body_before


def test_the_slug_clash_message_names_only_a_story_the_user_may_see(client, roles):
    own = ArticleFactory(status="draft", publish_at=None, created_by=roles["reporter"])
    ArticleFactory(
        status="draft",
        publish_at=None,
        created_by=roles["other_reporter"],
        headline="Secret plan",
        slug="secret-plan",
    )
    url = STORY.format(own.pk)

    client.force_login(roles["reporter"])
    as_reporter = client.post(url, change_form_data(client, url, slug="secret-plan"))
    client.force_login(roles["editor"])
    as_editor = client.post(url, change_form_data(client, url, slug="secret-plan"))

    assert "Another story already uses the address “secret-plan”" in as_reporter.content.decode()
    assert "Secret plan" not in as_reporter.content.decode()
    assert "“Secret plan” already uses the address" in as_editor.content.decode()


def test_presence_answers_only_for_a_story_the_user_may_see(client, roles):
    secret = ArticleFactory(status="draft", publish_at=None, created_by=roles["other_reporter"])
    public = ArticleFactory()
    client.force_login(roles["reporter"])

    refused = client.post(f"/admin/articles/article/{secret.pk}/presence/")
    answered = client.post(f"/admin/articles/article/{public.pk}/presence/")

    assert (refused.status_code, answered.status_code) == (403, 200)


def test_view_on_site_answers_only_for_an_object_the_user_may_see(client, roles):
    secret = ArticleFactory(status="draft", publish_at=None, created_by=roles["other_reporter"])
    link = PreviewLink.objects.create(article=secret)
    client.force_login(roles["reporter"])

    for obj in (secret, link):
        content_type = ContentType.objects.get_for_model(obj)
        page = client.get(f"/admin/r/{content_type.pk}/{obj.pk}/")
        assert page.status_code == 403, obj
    content_type = ContentType.objects.get_for_model(Article)
    client.force_login(roles["editor"])
    assert client.get(f"/admin/r/{content_type.pk}/{secret.pk}/").status_code == 302


def test_a_test_send_needs_the_send_permission(client, roles, django_user_model, mailoutbox):
    issue = IssueFactory()
    viewer = django_user_model.objects.create_user("vic", email="vic@newsroom.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_newsletterissue"))
    url = f"/admin/newsletters/newsletterissue/{issue.pk}/test/"

    client.force_login(viewer)
    refused = client.post(url)
    client.force_login(roles["audience"])
    sent = client.post(url)

    assert (refused.status_code, sent.status_code) == (403, 302)
    assert [message.to for message in mailoutbox] == [["ada@newsroom.test"]]


def test_merging_tags_needs_the_right_to_change_tags(client, roles):
    ArticleFactory(tag_names=["floods"])
    client.force_login(roles["reporter"])

    page = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "made-up"})

    assert page.status_code == 403
    assert not Tag.objects.filter(name="made-up").exists()
