"""An Editor's two-step sign-in in headless Chromium, passkeys through Chromium's virtual
authenticator (the DevTools WebAuthn domain) on http://localhost: a passkey needs a host
name, and localhost is one browsers allow without https."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from core.models import AuditEntry
from editorial.roles import EDITOR
from tests.articles.workflow_helpers import role_group
from tests.browser_utils import DESKTOP, chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sign_in_flow,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-editor-password"
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to (execute|apply|load)")


@pytest.fixture
def site(live_server, settings):
    assert live_server.url.startswith("http://localhost:")
    settings.SITE_URL = live_server.url
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.STAFF_2FA_REQUIRED_ROLES = ["Editor", "superusers"]
    return live_server.url


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "erin", email="erin@newsroom.test", password=PASSWORD, is_staff=True
    )
    user.groups.add(role_group(EDITOR))
    return user


def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def password_step(page, base):
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "erin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def sign_out(page, base):
    page.goto(f"{base}/admin/second-factor/devices/")
    page.click("#logout-form button")
    expect(page).to_have_url(re.compile(r"/admin/logout/"))


def fresh_totp_code(secret):
    """A code from a time step the device has not accepted yet (a code works once)."""
    totp = TOTP(b32decode(secret))
    time.sleep(30 - time.time() % 30 + 0.5)
    return f"{totp.token():06d}"


def test_editor_enrols_an_app_and_a_passkey_and_signs_in_with_each(site, editor):
    base = site
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        violations = []
        page.on(
            "console",
            lambda message: CSP_VIOLATION.search(message.text) and violations.append(message.text),
        )
        virtual_authenticator(page)

        # A password alone does not open the admin: enrolment comes first, and stays.
        password_step(page, base)
        expect(page).to_have_url(re.compile(r"/admin/second-factor/devices/"))
        expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
        screenshot(page, "staffauth-enrol")
        page.goto(f"{base}/admin/")
        expect(page).to_have_url(
            re.compile(r"/admin/second-factor/devices/\?next=(/|%2F)admin(/|%2F)")
        )

        # An authenticator app: scan (here: read the key), type the code.
        page.click("#add-authenticator-app")
        secret = page.locator("#totp-secret").inner_text()
        screenshot(page, "staffauth-totp")
        page.fill("#id_token", f"{TOTP(b32decode(secret)).token():06d}")
        page.click("input[type=submit]")
        codes = page.locator("#recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        screenshot(page, "staffauth-recovery-codes")

        # Now in: the admin opens, and a passkey is added from the same page.
        page.goto(f"{base}/admin/")
        expect(page.locator("#user-tools")).to_contain_text("Two-step sign-in")
        page.goto(f"{base}/admin/second-factor/devices/")
        page.click("#passkey-register-button")
        expect(page.locator(".staffauth-devices li")).to_have_count(2, timeout=30_000)
        screenshot(page, "staffauth-devices")
        sign_out(page, base)

        # Sign in with the passkey.
        password_step(page, base)
        expect(page).to_have_url(re.compile(r"/admin/second-factor/\?next=(/|%2F)admin(/|%2F)"))
        screenshot(page, "staffauth-verify")
        page.click("#passkey-verification-button")
        # The script asks the authenticator, posts its answer, then follows the redirect: on
        # a loaded CI machine that can take longer than the default five seconds.
        expect(page).to_have_url(f"{base}/admin/", timeout=30_000)
        sign_out(page, base)

        # Sign in with a recovery code: it works once.
        password_step(page, base)
        page.click("summary")
        page.fill("#id_recovery_token", codes[0])
        page.click("#recovery-form input[type=submit]")
        expect(page).to_have_url(f"{base}/admin/")
        sign_out(page, base)
        password_step(page, base)
        page.click("summary")
        page.fill("#id_recovery_token", codes[0])
        page.click("#recovery-form input[type=submit]")
        expect(page.locator("#recovery-form .errorlist")).to_contain_text("did not work")
        page.goto(f"{base}/admin/")
        expect(page).to_have_url(re.compile(r"/admin/second-factor/\?next=(/|%2F)admin(/|%2F)"))

        # Sign in with the app (a code of a new time step: each code works once).
        page.fill("#id_totp_token", fresh_totp_code(secret))
        page.click("#totp-form input[type=submit]")
        expect(page).to_have_url(f"{base}/admin/")
        assert violations == []

    passed = AuditEntry.objects.filter(actor=editor, action="second_factor_passed")
    assert sorted(passed.values_list("details__method", flat=True)) == [
        "passkey",
        "recovery",
        "totp",
    ]
    assert AuditEntry.objects.filter(actor=editor, action="second_factor_failed").count() == 1
    assert AuditEntry.objects.filter(target="erin", action="second_factor_added").count() == 3
