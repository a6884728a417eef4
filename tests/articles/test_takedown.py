# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Takedown ends everything: a withdrawn story's preview links stop, and no link lives long.

Withdrawing revokes the story's links; a link of a withdrawn story answers 410 whatever its
row says (made before the withdrawal, or slipped in afterwards); no new link can be made for
it; and every path that makes or extends a link caps its expiry at PREVIEW_LINK_MAX_DAYS.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article
from editorial import preview
from editorial.models import PreviewLink, default_preview_expiry
from tests.articles.test_preview import assert_private
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory, BylineFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Quarrystone", "quarrystone-memo", "sealed tender envelopes")


@pytest.fixture
def story(roles):
    story = ArticleFactory(
        status="published",
        headline="Quarrystone memo names the minister",
        slug="quarrystone-memo",
        dek="A leaked note on sealed tender envelopes.",
        body="<p>The memo describes sealed tender envelopes opened early.</p>",
        created_by=roles["reporter"],
    )
    BylineFactory(article=story)
    return story


def assert_shows_nothing_of_the_story(response):
    assert response.status_code == 410
    page = response.content.decode()
    for word in SECRET_WORDS:
        assert word.lower() not in page.lower()
    assert_private(response)


def link_state():
    return sorted(PreviewLink.objects.values_list("pk", "article_id", "expires_at", "revoked_at"))


# --- withdrawing revokes ---


def test_withdraw_revokes_the_storys_links_and_only_them(client, roles, story):
    live = PreviewLink.objects.create(article=story, label="Legal")
    earlier = timezone.now() - timedelta(hours=3)
    already_revoked = PreviewLink.objects.create(article=story, revoked_at=earlier)
    other = PreviewLink.objects.create(article=ArticleFactory(status="draft"))
    assert client.get(live.get_absolute_url()).status_code == 200

    services.withdraw(story, by=roles["editor"])

    live.refresh_from_db()
    already_revoked.refresh_from_db()
    other.refresh_from_db()
    assert live.revoked_at is not None
    assert already_revoked.revoked_at == earlier  # the record of when it first ended stays
    assert other.revoked_at is None
    assert_shows_nothing_of_the_story(client.get(live.get_absolute_url()))
    assert client.get(other.get_absolute_url()).status_code == 200


def test_withdrawing_through_the_story_form_revokes_links(client, roles, story):
    link = PreviewLink.objects.create(article=story)
    story.status = Article.Status.WITHDRAWN

    services.save_story(article=story, by=roles["editor"])

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert_shows_nothing_of_the_story(client.get(link.get_absolute_url()))


def test_withdraw_action_in_the_admin_revokes_links(client, roles, story):
    link = PreviewLink.objects.create(article=story)
    client.force_login(roles["editor"])

    client.post(
        "/admin/articles/article/",
        {"action": "withdraw_stories", "_selected_action": [story.pk], "confirm": "yes"},
    )

    story.refresh_from_db()
    link.refresh_from_db()
    assert story.status == Article.Status.WITHDRAWN
    assert link.revoked_at is not None


def test_a_withdrawn_storys_link_answers_410_even_if_its_row_is_live(client, story):
    """A link the revocation missed (a status set by a bulk update, a row written afterwards
    by a script) still shows nothing: the view checks the story, not only the link."""
    link = PreviewLink.objects.create(article=story)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.WITHDRAWN)
    slipped_in = PreviewLink.objects.create(article=story)

    for url in (link.get_absolute_url(), slipped_in.get_absolute_url()):
        assert_shows_nothing_of_the_story(client.get(url))


def test_republishing_does_not_bring_old_links_back(client, roles, story):
    link = PreviewLink.objects.create(article=story)
    services.withdraw(story, by=roles["editor"])
    story.status = Article.Status.PUBLISHED
    services.save_story(article=story, by=roles["editor"])

    assert client.get(link.get_absolute_url()).status_code == 410


# --- no new link for a withdrawn story ---


def test_no_link_can_be_made_for_a_withdrawn_story(roles, story):
    services.withdraw(story, by=roles["editor"])
    before = link_state()

    with pytest.raises(ValidationError, match="withdrawn"):
        preview.create_preview_link(
            article=story, by=roles["editor"], label="Legal", expires_at=default_preview_expiry()
        )
    with pytest.raises(ValidationError, match="withdrawn"):
        PreviewLink(article=story).full_clean()

    assert link_state() == before


def test_admin_refuses_a_link_for_a_withdrawn_story(client, roles, story):
    services.withdraw(story, by=roles["editor"])
    client.force_login(roles["editor"])
    before = link_state()

    response = client.post(
        f"/admin/articles/article/{story.pk}/preview-link/", {"label": "Legal", "hours": "24"}
    )

    assert response.status_code == 200
    assert "withdrawn" in response.content.decode()
    assert link_state() == before
    # The story page no longer offers the form.
    change = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "preview-link-form" not in change


def test_link_admin_add_form_refuses_a_withdrawn_story(client, roles, story):
    services.withdraw(story, by=roles["editor"])
    client.force_login(roles["editor"])
    before = link_state()
    later = timezone.localtime() + timedelta(days=1)

    response = client.post(
        "/admin/editorial/previewlink/add/",
        {
            "article": story.pk,
            "label": "Legal review",
            "expires_at_0": later.strftime("%Y-%m-%d"),
            "expires_at_1": later.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "withdrawn" in page and 'value="Legal review"' in page
    assert link_state() == before


# --- expiry capped at PREVIEW_LINK_MAX_DAYS ---


def test_the_model_caps_expiry(settings, story):
    assert settings.PREVIEW_LINK_MAX_DAYS == 7
    now = timezone.now()
    PreviewLink(article=story, expires_at=now + timedelta(days=7, minutes=-1)).full_clean()
    with pytest.raises(ValidationError) as refused:
        PreviewLink(article=story, expires_at=now + timedelta(days=7, minutes=5)).full_clean()
    assert "expires_at" in refused.value.message_dict
    assert "7 days" in refused.value.message_dict["expires_at"][0]

    settings.PREVIEW_LINK_MAX_DAYS = 1
    with pytest.raises(ValidationError):
        PreviewLink(article=story, expires_at=now + timedelta(hours=30)).full_clean()
    # The default expiry never exceeds the cap.
    assert default_preview_expiry() <= timezone.now() + timedelta(days=1)
    PreviewLink(article=story).full_clean()


def test_the_service_caps_expiry(roles, story):
    before = link_state()
    with pytest.raises(ValidationError):
        preview.create_preview_link(
            article=story,
            by=roles["editor"],
            label="",
            expires_at=timezone.now() + timedelta(days=30),
        )
    assert link_state() == before

    link = preview.create_preview_link(
        article=story,
        by=roles["editor"],
        label="Legal",
        expires_at=timezone.now() + timedelta(days=3),
    )
    assert link.created_by == roles["editor"] and link.is_active


def test_story_page_form_refuses_a_too_long_link_and_keeps_what_was_typed(client, roles, story):
    client.force_login(roles["editor"])
    before = link_state()

    response = client.post(
        f"/admin/articles/article/{story.pk}/preview-link/",
        {"label": "Our lawyer, Ms Hart", "hours": str(24 * 30)},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "7 days" in page
    assert 'value="Our lawyer, Ms Hart"' in page
    assert link_state() == before


def test_story_page_form_offers_only_durations_within_the_cap(client, roles, story, settings):
    client.force_login(roles["editor"])
    settings.PREVIEW_LINK_MAX_DAYS = 1

    page = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()

    assert '<option value="24"' in page
    assert '<option value="48"' not in page and '<option value="168"' not in page


def test_link_admin_refuses_to_extend_past_the_cap(client, roles, story):
    link = PreviewLink.objects.create(article=story, label="Legal")
    client.force_login(roles["editor"])
    before = link_state()

    def post(expires):
        expires = timezone.localtime(expires)
        return client.post(
            f"/admin/editorial/previewlink/{link.pk}/change/",
            {
                "article": story.pk,
                "label": "Legal, extended",
                "expires_at_0": expires.strftime("%Y-%m-%d"),
                "expires_at_1": expires.strftime("%H:%M:%S"),
            },
        )

    refused = post(timezone.now() + timedelta(days=30))
    assert refused.status_code == 200
    assert "7 days" in refused.content.decode()
    assert 'value="Legal, extended"' in refused.content.decode()
    assert link_state() == before

    accepted = post(timezone.now() + timedelta(days=5))
    assert accepted.status_code == 302
    link.refresh_from_db()
    assert timedelta(days=4) < link.expires_at - timezone.now() <= timedelta(days=5)
