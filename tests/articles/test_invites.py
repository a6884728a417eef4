"""Inviting a journalist in one step: the account, its role and staff status, its byline,
the audited invitation and the emailed single-use link, followed through to signing in and
enrolling a second factor; and the user form's warnings."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from freezegun import freeze_time

from articles import permissions
from articles.models import Author
from core.models import AuditEntry
from editorial.roles import EDITOR, REPORTER
from tests.articles.workflow_helpers import make_user, role_group
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

INVITE = "/admin/auth/user/invite/"
NEW_PASSWORD = "Pressroom-Lantern-42"


@pytest.fixture
def chief(client, django_user_model):
    # The roles' groups, as the migration makes them (a transactional test run earlier on
    # this worker may have flushed them).
    role_group(REPORTER)
    user = make_user(django_user_model, "chief", is_superuser=True)
    client.force_login(user)
    return user


def invite(client, capture, **fields):
    data = {"name": "Olena Kovalenko", "email": "Olena.K@Example.org", "role": REPORTER}
    with capture(execute=True):
        return client.post(INVITE, {**data, **fields})


def link_in(sink):
    (message,) = sink.wait_for(1)
    return urlsplit(re.search(r"https?://\S+/admin/welcome/\S+/", sink.body(message))[0]).path


def test_an_invitation_makes_a_staff_account_in_its_role_with_a_new_byline(
    client,
    chief,
    django_capture_on_commit_callbacks,
    smtp_server,
):
    response = invite(client, django_capture_on_commit_callbacks)

    author = Author.objects.get(name="Olena Kovalenko")
    user = author.user
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:auth_user_change", args=[user.pk])
    assert (user.username, user.email) == ("olena.k@example.org", "olena.k@example.org")
    assert user.get_full_name() == "Olena Kovalenko"
    assert user.is_staff and not user.is_superuser and user.is_active
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [REPORTER]
    assert author.slug == "olena-kovalenko"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.STAFF_INVITED)
    assert (entry.actor, entry.target) == (chief, "olena.k@example.org")
    assert entry.details["role"] == REPORTER and entry.details["byline"] == "Olena Kovalenko"
    (message,) = smtp_server.messages
    assert message["To"] == "olena.k@example.org"


def test_an_existing_byline_becomes_theirs_and_so_do_its_stories(
    client,
    chief,
    django_capture_on_commit_callbacks,
    smtp_server,
):
    byline = AuthorFactory(name="Olena Kovalenko", slug="olena-kovalenko")
    story = ArticleFactory(status="draft", authors=[byline])

    invite(client, django_capture_on_commit_callbacks, author=byline.pk)

    byline.refresh_from_db()
    assert byline.user.username == "olena.k@example.org"
    assert Author.objects.count() == 1
    assert permissions.is_own(byline.user, story)
    assert permissions.can_edit(byline.user, story)


@pytest.mark.sign_in_flow
def test_the_link_sets_a_password_once_then_sign_in_asks_for_a_second_factor(
    client,
    chief,
    django_capture_on_commit_callbacks,
    smtp_server,
    settings,
):
    settings.STAFF_2FA_REQUIRED_ROLES = [EDITOR]
    invite(client, django_capture_on_commit_callbacks, role=EDITOR)
    link = link_in(smtp_server)
    assert "set up a second factor" in smtp_server.body(smtp_server.messages[0])
    client.logout()

    form = client.get(link, follow=True)
    assert "Choose a password for <strong>olena.k@example.org</strong>" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("staffauth:invite_done")
    assert "This link no longer works" in client.get(link, follow=True).content.decode()

    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "olena.k@example.org", "password": NEW_PASSWORD},
    )
    assert signed_in["Location"] == "/admin/"
    # An Editor must enrol a second factor before anything else.
    assert client.get("/admin/")["Location"].startswith(reverse("staffauth:devices"))


def test_the_link_expires(
    client,
    chief,
    django_capture_on_commit_callbacks,
    smtp_server,
    settings,
):
    invite(client, django_capture_on_commit_callbacks)
    link = link_in(smtp_server)
    client.logout()
    later = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with freeze_time(datetime.now() + later):
        assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_a_password_reset_token_is_no_invitation(client, django_user_model):
    user = make_user(django_user_model, "someone", REPORTER)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("staffauth:invite_accept", args=[uid, token])
    assert "This link no longer works" in client.get(url, follow=True).content.decode()


def test_an_address_already_on_the_staff_is_refused(
    client,
    chief,
    django_user_model,
    django_capture_on_commit_callbacks,
    smtp_server,
):
    django_user_model.objects.create_user("olena", email="Olena.K@example.org")
    response = invite(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "already has this address" in response.content.decode()
    assert not Author.objects.exists() and not smtp_server.messages
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.STAFF_INVITED).exists()


def test_an_editor_cannot_invite(client, django_user_model):
    client.force_login(make_user(django_user_model, "erin", EDITOR))
    assert client.get(INVITE).status_code == 403


def test_the_user_list_offers_the_invitation(client, chief):
    assert INVITE in client.get("/admin/auth/user/").content.decode()


def test_the_user_form_warns_of_a_role_without_staff_status_and_links_the_byline(
    client, chief, django_user_model
):
    user = django_user_model.objects.create_user("oksana", email="oksana@example.org")
    user.groups.add(role_group(REPORTER))
    byline = AuthorFactory(name="Oksana Reporter", user=user)

    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "in the Reporter role but has no staff status" in page
    assert reverse("admin:articles_author_change", args=[byline.pk]) in page

    user.is_staff = True
    user.save()
    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "has no staff status" not in page


def test_the_user_form_says_when_there_is_no_byline(client, chief, django_user_model):
    user = make_user(django_user_model, "nobyline", REPORTER)
    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "do not count as theirs until one is linked" in page
