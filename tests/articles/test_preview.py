# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Previews: staff from the admin, shared links valid / expired / revoked / tampered."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from editorial import preview
from editorial.models import PreviewLink
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "noindex" in response["X-Robots-Tag"]
    assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"


@pytest.fixture
def draft(roles):
    return ArticleFactory(
        status="draft",
        publish_at=None,
        created_by=roles["reporter"],
        headline="Dam inquiry findings",
        body="<p>The inquiry found the gates were never tested.</p>",
    )


def test_staff_preview_renders_the_story_page_with_a_banner(client, roles, draft):
    client.force_login(roles["editor"])

    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'class="preview-banner"' in page and "Readers cannot see this yet" in page
    assert "The inquiry found the gates were never tested." in page
    assert_private(response)
    assert client.get(draft.get_absolute_url()).status_code == 404  # still not public


def test_staff_preview_checks_permissions(client, roles, draft):
    url = f"/admin/articles/article/{draft.pk}/preview/"
    client.force_login(roles["reporter"])
    assert client.get(url).status_code == 200  # their own
    client.force_login(roles["other_reporter"])
    assert client.get(url).status_code == 403
    client.force_login(roles["audience"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_editor_creates_a_link_that_works_without_login(client, roles, draft):
    client.force_login(roles["editor"])
    client.post(
        f"/admin/articles/article/{draft.pk}/preview-link/", {"label": "Legal", "hours": "2"}
    )
    link = PreviewLink.objects.get(article=draft)
    assert link.created_by == roles["editor"] and link.label == "Legal"
    assert timedelta(hours=1, minutes=59) < link.expires_at - timezone.now() <= timedelta(hours=2)
    client.logout()

    response = client.get(link.get_absolute_url())
    again = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert "The inquiry found the gates were never tested." in response.content.decode()
    assert_private(response)
    assert_private(again)


def test_reporter_cannot_create_links(client, roles, draft):
    client.force_login(roles["reporter"])
    response = client.post(f"/admin/articles/article/{draft.pk}/preview-link/", {"hours": "2"})
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_link_expires(client, draft):
    link = PreviewLink.objects.create(article=draft, expires_at=timezone.now() + timedelta(hours=1))
    with freeze_time(link.expires_at - timedelta(seconds=1)):
        assert client.get(link.get_absolute_url()).status_code == 200
    with freeze_time(link.expires_at + timedelta(seconds=1)):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "This preview link has expired." in response.content.decode()
    assert "gates were never tested" not in response.content.decode()
    assert_private(response)


def test_revoked_link_stops_at_once(client, roles, draft):
    link = PreviewLink.objects.create(article=draft)
    assert client.get(link.get_absolute_url()).status_code == 200
    client.force_login(roles["editor"])
    client.post(
        "/admin/editorial/previewlink/",
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    client.logout()

    response = client.get(link.get_absolute_url())

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda signed: signed[:-1] + ("A" if signed[-1] != "A" else "B"),  # signature altered
        lambda signed: "x" + signed,  # token altered, old signature
        lambda signed: signed.split(":")[0],  # signature dropped
        lambda signed: "made-up-token:made-up-signature",
    ],
)
def test_tampered_links_are_refused(client, draft, mangle):
    link = PreviewLink.objects.create(article=draft)
    signed = link.signed_value()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/preview/{mangle(signed)}/")

    # Refused on the signature, before any lookup (the page chrome still queries its menus).
    assert not [q for q in queries if "previewlink" in q["sql"].lower()]
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert "gates were never tested" not in response.content.decode()


def test_deleted_story_link_and_unknown_token(client, draft):
    link = PreviewLink.objects.create(article=draft)
    url = link.get_absolute_url()
    preview.revoke_preview_links([link])
    link.delete()
    assert client.get(url).status_code == 404


def test_staff_can_preview_a_withdrawn_story(client, roles):
    story = ArticleFactory(status="withdrawn", headline="Taken down for a legal review")
    client.force_login(roles["editor"])

    response = client.get(f"/admin/articles/article/{story.pk}/preview/")

    assert response.status_code == 200
    assert "Taken down for a legal review" in response.content.decode()
    assert_private(response)


def test_a_live_draft_with_no_time_and_no_updates_previews(client, roles):
    """A live story planned ahead (no publish time yet, no updates) previews with its
    structured data, instead of failing on the missing times."""
    draft = ArticleFactory(
        status="draft", publish_at=None, is_live=True, headline="Election night: live"
    )
    client.force_login(roles["editor"])

    response = client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert response.status_code == 200
    assert "Election night: live" in response.content.decode()


def test_a_draft_with_no_time_shows_no_dangling_separator(client, roles, draft):
    client.force_login(roles["editor"])

    html = client.get(f"/admin/articles/article/{draft.pk}/preview/").content.decode()

    dateline = html[html.index('class="story__dateline"') :]
    dateline = dateline[: dateline.index("</p>")]
    assert "min read" in dateline and "·" not in dateline and "<time" not in dateline


def test_the_story_page_lists_its_live_links_with_a_copy_button(client, roles, draft):
    editor = roles["editor"]
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    client.force_login(editor)
    client.post(
        f"/admin/articles/article/{draft.pk}/preview-link/", {"label": "Legal", "hours": "2"}
    )
    legal = PreviewLink.objects.get(label="Legal")
    revoked = PreviewLink.objects.create(article=draft, label="Revoked one")
    preview.revoke_preview_links(PreviewLink.objects.filter(pk=revoked.pk))
    PreviewLink.objects.create(
        article=draft, label="Ended one", expires_at=timezone.now() - timedelta(minutes=1)
    )

    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()

    section = page.split('id="preview-links"')[1].split("</section>")[0]
    url = f"http://testserver{legal.get_absolute_url()}"
    assert f'id="preview-link-{legal.pk}" value="{url}"' in section
    assert f'data-copy="#preview-link-{legal.pk}"' in section and "made by Erin Editor" in section
    assert "Revoked one" not in section and "Ended one" not in section
    assert "admin-extra/copy-link.js" in page


def test_a_reporter_sees_no_preview_links(client, roles, draft):
    PreviewLink.objects.create(article=draft, label="Legal")
    client.force_login(roles["reporter"])
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert 'id="preview-links"' not in page
