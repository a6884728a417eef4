"""CSRF: every form that acts for a signed-in user checks the token; the few exempt
endpoints are known, each documented in docs/security.md with the reason."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.factories import ArticleFactory

# URL name → why it may skip the CSRF check (docs/security.md says the same at more length).
ALLOWED_EXEMPT = {
    "subscriptions:signup": "anonymous signup printed into cached pages (no per-visitor token)",
    "subscriptions:resend_confirmation": "anonymous 'send me a fresh link', like signup",
    "subscriptions:unsubscribe": "RFC 8058 one-click unsubscribe, POSTed by mail clients",
    "subscriptions:resubscribe": "acts for the holder of a signed URL token, not a session",
    "subscriptions:preferences": "acts for the holder of a signed URL token, not a session",
    "popularity:read": "read beacon from cached pages; only counts a read",
}
# Provider webhooks authenticate with a shared secret or signature instead.
ALLOWED_EXEMPT_NAMESPACES = {"anymail"}


def exempt_views(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from exempt_views(pattern.url_patterns, pattern.namespace or namespace)
        elif getattr(pattern.callback, "csrf_exempt", False):
            yield namespace, f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_only_the_known_endpoints_skip_csrf():
    found = {
        name for namespace, name in exempt_views() if namespace not in ALLOWED_EXEMPT_NAMESPACES
    }
    assert found == set(ALLOWED_EXEMPT), (
        "A view became csrf_exempt (or stopped being): if it never acts for a signed-in user, "
        "add it to ALLOWED_EXEMPT and to docs/security.md with the reason."
    )


def test_docs_list_every_exempt_endpoint():
    docs = (settings.BASE_DIR / "docs" / "security.md").read_text()
    for name in [*ALLOWED_EXEMPT, *ALLOWED_EXEMPT_NAMESPACES]:
        assert f"`{name}" in docs, name


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_admin_forms_refuse_a_post_without_the_token(csrf_client):
    staff = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-tests")
    csrf_client.force_login(staff)
    story = ArticleFactory()
    for url in [
        "/admin/articles/article/add/",
        f"/admin/articles/article/{story.pk}/change/",
        f"/admin/articles/article/{story.pk}/delete/",
        "/admin/logout/",
        "/admin/password_change/",
    ]:
        assert csrf_client.post(url, {"headline": "Forged"}).status_code == 403, url
    story.refresh_from_db()
    assert story.headline != "Forged"


@pytest.mark.django_db
def test_admin_login_checks_the_token(csrf_client):
    response = csrf_client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_comment_form_checks_the_token(csrf_client):
    story = ArticleFactory()
    response = csrf_client.post(
        f"/comments/{story.slug}/write/",
        {"name": "Reader", "email": "reader@example.org", "body": "A forged comment"},
    )
    assert response.status_code == 403
