"""No open redirects: every `next`-style parameter is checked before we follow or print it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

OFFSITE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "/\t/evil.example",
    "https://testserver.evil.example/",
]


def assert_stays_home(location_or_html):
    assert "evil.example" not in location_or_html
    assert "javascript:" not in location_or_html and "data:" not in location_or_html


@pytest.mark.parametrize("target", OFFSITE)
def test_signup_never_sends_readers_offsite(client, target):
    newsletter = NewsletterFactory(is_public=True)
    response = client.post(
        "/subscriptions/signup/",
        {"email": "reader@example.org", "newsletters": newsletter.slug, "next": target},
    )
    assert response.status_code == 302
    assert_stays_home(response["Location"])
    assert_stays_home(client.get(response["Location"]).content.decode())
    form_page = client.get("/subscriptions/signup/", {"next": target}).content.decode()
    assert_stays_home(form_page)


def test_signup_keeps_a_local_next(client):
    newsletter = NewsletterFactory(is_public=True)
    response = client.post(
        "/subscriptions/signup/",
        {"email": "reader@example.org", "newsletters": newsletter.slug, "next": "/story/x/"},
    )
    assert 'href="/story/x/"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("target", OFFSITE)
def test_admin_login_ignores_an_offsite_next(client, target):
    get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-the-test")
    response = client.post(
        "/admin/login/",
        {"username": "chief", "password": "pw-for-the-test", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("target", OFFSITE[:4])
def test_admin_logout_ignores_an_offsite_next(admin_client, target):
    response = admin_client.post(f"/admin/logout/?next={target}")
    assert_stays_home(response.get("Location", ""))


# Request parameters that name a place to go next.
REDIRECT_PARAM = re.compile(
    r"request\.(GET|POST|data)(\.get|\[)\(?\s*[\"'](next|return_to|return|redirect|redirect_to|url)[\"']"
)


def test_every_view_reading_a_redirect_parameter_checks_it():
    """An audit of our code: whoever reads `next` (and friends) also calls the check."""
    apps = [path for path in settings.BASE_DIR.iterdir() if (path / "apps.py").exists()]
    apps.append(settings.BASE_DIR / "newsroom")
    readers = []
    for app in apps:
        for source in Path(app).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            if REDIRECT_PARAM.search(text):
                readers.append(source)
                assert "url_has_allowed_host_and_scheme" in text, (
                    f"{source} reads a redirect parameter without url_has_allowed_host_and_scheme"
                )
    assert readers, "the audit found no reader at all: its pattern is out of date"
