"""Who must use a second factor, what a password alone reaches, staff sessions."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from editorial.roles import EDITOR, REPORTER
from staffauth.middleware import SEEN_SESSION_KEY
from staffauth.models import StaffSession
from tests.articles.workflow_helpers import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.sign_in_flow]


@pytest.fixture(autouse=True)
def _production_roles(settings):
    settings.STAFF_2FA_REQUIRED_ROLES = ["Editor", "superusers"]


def sign_in(client, username):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})


def test_default_roles_follow_debug():
    import importlib
    import os

    from newsroom import settings as project_settings

    saved = os.environ.get("DEBUG")
    try:
        os.environ["DEBUG"] = "false"
        assert importlib.reload(project_settings).STAFF_2FA_REQUIRED_ROLES == [
            "Editor",
            "superusers",
        ]
        os.environ["DEBUG"] = "true"
        assert importlib.reload(project_settings).STAFF_2FA_REQUIRED_ROLES == []
    finally:
        os.environ["DEBUG"] = saved or "false"
        importlib.reload(project_settings)


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_a_password_alone_does_not_open_the_admin_for_required_roles(
    client, django_user_model, who
):
    extra = {"is_superuser": True} if who == "superuser" else {}
    make_user(django_user_model, who, EDITOR if who == "editor" else None, **extra)
    response = sign_in(client, who)
    assert response["Location"] == "/admin/"

    for url in ["/admin/", "/admin/articles/article/", reverse("staffauth:sessions")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staffauth:devices") + "?next=")
    # The admin's login page sends them on too, keeping where they were going.
    response = client.get("/admin/login/?next=/admin/articles/")
    assert response["Location"] == reverse("staffauth:devices") + "?next=%2Fadmin%2Farticles%2F"
    # Outside the admin they are nobody: a change through the admin is refused.
    count = AuditEntry.objects.count()
    response = client.post("/admin/articles/article/add/", {"headline": "Forged"})
    assert response.status_code == 302 and AuditEntry.objects.count() == count


def test_an_offsite_next_is_not_followed(client, django_user_model):
    make_user(django_user_model, "erin", EDITOR)
    sign_in(client, "erin")
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("staffauth:devices") + "?next=%2Fadmin%2F"


def test_reporters_may_sign_in_on_a_password_and_may_enrol(client, django_user_model):
    make_user(django_user_model, "rita", REPORTER)
    sign_in(client, "rita")
    assert client.get("/admin/").status_code == 200
    page = client.get(reverse("staffauth:devices"))
    assert page.status_code == 200 and "Add a passkey" in page.content.decode()


def test_once_enrolled_anyone_is_asked_for_the_second_factor(client, django_user_model):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rita = make_user(django_user_model, "rita", REPORTER)
    TOTPDevice.objects.create(user=rita, name="phone", confirmed=True)
    sign_in(client, "rita")
    response = client.get("/admin/")
    assert response["Location"] == reverse("staffauth:verify") + "?next=%2Fadmin%2F"
    # A wrong code is refused, recorded, and changes nothing.
    before = TOTPDevice.objects.get(user=rita).last_t
    response = client.post(reverse("staffauth:verify"), {"method": "totp", "token": "000000"})
    assert "did not work" in response.content.decode()
    assert TOTPDevice.objects.get(user=rita).last_t == before
    assert AuditEntry.objects.filter(action="second_factor_failed", actor=rita).count() == 1
    assert client.get("/admin/").status_code == 302


def test_the_session_gets_a_new_key_after_the_second_factor(client, django_user_model):
    """A session key seen between the two steps (on a shared screen, in a proxy log) is
    worth nothing once the second factor is passed."""
    from django.conf import settings
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    erin = make_user(django_user_model, "erin", EDITOR)
    device = TOTPDevice.objects.create(user=erin, name="phone", confirmed=True)
    sign_in(client, "erin")
    halfway = client.session.session_key
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    response = client.post(reverse("staffauth:verify"), {"method": "totp", "token": f"{code:06d}"})

    assert response.status_code == 302
    signed_in = client.session.session_key
    assert signed_in != halfway
    assert client.get("/admin/").status_code == 200
    assert list(StaffSession.objects.values_list("session_key", flat=True)) == [signed_in]
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = halfway
    assert stale.get("/admin/")["Location"].startswith("/admin/login/")
    assert AuditEntry.objects.filter(action="second_factor_passed", actor=erin).count() == 1


def test_an_idle_staff_session_is_signed_out(client, django_user_model, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    make_user(django_user_model, "rita", REPORTER)
    sign_in(client, "rita")
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SEEN_SESSION_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_staff_see_and_end_their_other_sessions(django_user_model):
    rita = make_user(django_user_model, "rita", REPORTER)
    other = make_user(django_user_model, "oleh", REPORTER)
    laptop, phone, strangers = Client(), Client(HTTP_USER_AGENT="Phone browser"), Client()
    for client, name in ((laptop, "rita"), (phone, "rita"), (strangers, "oleh")):
        sign_in(client, name)
        assert client.get("/admin/").status_code == 200

    page = laptop.get(reverse("staffauth:sessions"))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 2 and "Phone browser" in page.content.decode()
    # Someone else's session cannot be ended from here: the refusal changes nothing.
    oleh_row = StaffSession.objects.get(user=other)
    laptop.post(reverse("staffauth:session_end"), {"session": oleh_row.pk})
    assert strangers.get("/admin/").status_code == 200

    phone_row = StaffSession.objects.get(user=rita, user_agent="Phone browser")
    laptop.post(reverse("staffauth:session_end"), {"session": phone_row.pk})
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert laptop.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="session_ended", actor=rita).count() == 1
    assert list(StaffSession.objects.filter(user=rita)) == [
        StaffSession.objects.get(session_key=laptop.session.session_key)
    ]
