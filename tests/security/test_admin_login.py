"""Admin login brute force: django-axes locks one username from one client IP out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from freezegun import freeze_time

from core.clientip import client_ip
from tests.security.test_headers import assert_security_headers
from tests.security.test_production_settings import run_python

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def attempt(client, username="editor", password="wrong", ip="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        headers=headers,
    )


def fail(client, times, **kwargs):
    return [attempt(client, **kwargs).status_code for _ in range(times)]


def test_failures_below_the_limit_show_the_login_form_again(client, editor):
    assert fail(client, settings.AXES_FAILURE_LIMIT - 1) == [200] * 4
    assert attempt(client, password=PASSWORD).status_code == 302


def test_fifth_failure_locks_out_even_the_right_password(client, editor):
    statuses = fail(client, settings.AXES_FAILURE_LIMIT)
    assert statuses == [200, 200, 200, 200, 429]

    locked = attempt(client, password=PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_lockout_page_explains_in_the_admin_design(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT)
    page = attempt(client)
    html = page.content.decode()

    assert page.status_code == 429
    assert "Sign-in paused" in html
    assert "Too many failed sign-in attempts for “editor”" in html
    assert "paused for 15 minutes" in html
    assert 'id="site-name"' in html and "admin-extra/newsroom-admin.css" in html
    assert_security_headers(page)


def test_lockout_is_per_username_and_ip(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT)
    # The same person from another network, and another username from the locked network.
    assert attempt(client, password=PASSWORD, ip="198.51.100.20").status_code == 302
    client.logout()
    assert attempt(client, username="someone-else", ip="203.0.113.7").status_code == 200


def test_lockout_ends_after_the_cool_off(client, editor):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert attempt(client, password=PASSWORD).status_code == 429
    with freeze_time(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(client, password=PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, editor):
    """Without a trusted proxy, X-Forwarded-For is the attacker's to write: it is ignored."""
    statuses = [
        attempt(client, **{"X-Forwarded-For": f"192.0.2.{n}"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert statuses[-2:] == [429, 429]


def test_behind_a_trusted_proxy_the_forwarded_client_is_locked_out(client, editor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, ip="10.0.0.2", **{"X-Forwarded-For": "203.0.113.50"})
    assert attempt(client, ip="10.0.0.2", **{"X-Forwarded-For": "203.0.113.50"}).status_code == 429
    # Another reader behind the same proxy is not affected.
    other = attempt(client, password=PASSWORD, ip="10.0.0.2", **{"X-Forwarded-For": "203.0.113.51"})
    assert other.status_code == 302


def test_axes_uses_the_same_client_ip_as_the_rate_limits():
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.META["HTTP_X_FORWARDED_FOR"] = "192.0.2.1"
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.clientip.client_network"
    assert get_client_ip_address(request) == client_ip(request) == "203.0.113.9"


def test_lockout_limits_come_from_the_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))",
        DEBUG="true",
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="30",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1800"]


# --- One username attacked from many networks ---------------------------------------------


def snapshot():
    """Everything a sign-in attempt could change: attempts, logins, sessions, the user."""
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    return {
        "attempts": sorted(
            AccessAttempt.objects.values_list(
                "username", "ip_address", "failures_since_start", "attempt_time"
            )
        ),
        "logins": AccessLog.objects.count(),
        "sessions": Session.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password", "last_login")),
    }


def test_failures_after_a_lockout_are_not_counted(client, editor):
    """The lockout answer changes nothing: no count, no longer pause, no login, no session."""
    fail(client, settings.AXES_FAILURE_LIMIT)
    before = snapshot()
    assert [attempt(client).status_code for _ in range(20)] == [429] * 20
    assert attempt(client, password=PASSWORD).status_code == 429
    assert snapshot() == before
    # So one network can never add up to the username-wide limit on its own.
    assert attempt(client, password=PASSWORD, ip="198.51.100.20").status_code == 302


def test_failures_spread_over_many_networks_lock_the_username_everywhere(client, editor):
    limit = settings.AXES_FAILURE_LIMIT
    everywhere = 10 * limit
    # Each network stays under its own limit, so none of them is locked out on its own.
    networks = [f"203.0.113.{n}" for n in range(1, 100)]
    failures = 0
    for ip in networks:
        for _ in range(limit - 1):
            if failures == everywhere - 1:
                break
            assert attempt(client, ip=ip).status_code == 200
            failures += 1
    before = snapshot()
    # One short of the limit: the owner signs in from home (which clears only home's count).
    assert attempt(client, password=PASSWORD, ip="198.51.100.20").status_code == 302
    client.logout()
    assert snapshot()["attempts"] == before["attempts"]

    assert attempt(client, ip="203.0.113.200").status_code == 429, "the 50th failure locks"
    locked = snapshot()
    for ip in ("198.51.100.20", "192.0.2.1", "2001:db8::1"):
        page = attempt(client, password=PASSWORD, ip=ip)
        assert page.status_code == 429, ip
    assert "from many networks" in page.content.decode()
    assert snapshot() == locked, "no attempt counted, no session, no login"
    assert client.get("/admin/").status_code == 302, "still sent to the sign-in page"
    # Only that username: another member of staff signs in from the same networks.
    get_user_model().objects.create_user("desk", "desk@example.org", PASSWORD, is_staff=True)
    assert attempt(client, username="desk", password=PASSWORD, ip="203.0.113.1").status_code == 302


def test_the_username_wide_lockout_ends_after_the_cool_off(client, editor):
    for n in range(10):
        fail(client, settings.AXES_FAILURE_LIMIT, ip=f"203.0.113.{n + 1}")
    assert attempt(client, password=PASSWORD, ip="198.51.100.20").status_code == 429
    with freeze_time(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(client, password=PASSWORD, ip="198.51.100.20").status_code == 302


def test_ipv6_failures_count_per_64(client, editor):
    """Rotating through a /64's addresses (one subscriber's line) gains no extra tries."""
    statuses = [
        attempt(client, ip=f"2001:db8:7:7::{n + 1:x}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert attempt(client, password=PASSWORD, ip="2001:db8:7:7:ffff::1").status_code == 429
    assert attempt(client, password=PASSWORD, ip="2001:db8:7:8::1").status_code == 302


def test_axes_counts_an_ipv6_client_by_its_64():
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:7:7:1234:5678:9abc:def0")
    assert get_client_ip_address(request) == "2001:db8:7:7::"
    assert client_ip(request) == "2001:db8:7:7:1234:5678:9abc:def0"
