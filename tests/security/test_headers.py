"""Security headers on public pages, newsletter pages and the admin; HTTPS behind a proxy."""

from pathlib import Path

import pytest
from django.conf import settings

from articles.embeds import parse_media_url
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", settings.TIPTAP_STYLE_HASH],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "frame-src": [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://t.me",
    ],
}


def assert_security_headers(response):
    directives = csp_directives(response)
    # A page with an inline script (the story form's editor import map) adds its request's
    # nonce to script-src; nothing else may differ.
    script_nonces = [v for v in directives.get("script-src", []) if v.startswith("'nonce-")]
    assert len(script_nonces) <= 1, script_nonces
    for name, values in EXPECTED_CSP.items():
        seen = [v for v in directives.get(name, []) if v not in script_nonces]
        assert seen == values, (name, directives.get(name))
    for source in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:"):
        assert not any(source in values for values in directives.values()), source
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@pytest.fixture
def public_urls():
    story = ArticleFactory()
    newsletter = NewsletterFactory(is_public=True)
    issue = IssueFactory(newsletter=newsletter, status="sent")
    return [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/news-feed/",
        "/newsletters/",
        f"/newsletters/{newsletter.slug}/archive/",
        issue.get_absolute_url(),
        "/subscriptions/signup/",
    ]


def test_public_and_newsletter_pages_send_security_headers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


def test_not_found_page_sends_security_headers(client):
    response = client.get("/story/no-such-story/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_admin_pages_send_security_headers(client, admin_user):
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert_security_headers(login)
    client.force_login(admin_user)
    for url in ["/admin/", "/admin/articles/article/", "/admin/articles/article/add/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


def test_every_embed_provider_iframe_is_allowed_by_frame_src():
    samples = [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://t.me/newsroom_test/1234",
    ]
    for url in samples:
        src = parse_media_url(url).iframe_src
        origin = "/".join(src.split("/")[:3])
        assert origin in settings.EMBED_FRAME_ORIGINS, src


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/news-feed/?page=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/news-feed/?page=1"


def test_https_from_the_proxy_header_is_served_with_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/news-feed/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    # This host only, by default: subdomains and the preload list are the operator's choice.
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_subdomains_and_preload_when_opted_in(client, settings):
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/news-feed/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_plain_http_gets_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/news-feed/").headers


def test_the_one_allowed_inline_style_is_the_editors_base_css():
    """TIPTAP_STYLE_HASH must match the CSS the installed editor injects, or the admin's
    editor loses its base styles (and Chromium logs a violation) after an upgrade."""
    import base64
    import hashlib
    import re

    import django_prose_editor

    source = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    injected = re.findall(r"`(\.ProseMirror \{.*?)`", source.read_text(), re.DOTALL)
    hashes = {
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in injected
    }
    assert settings.TIPTAP_STYLE_HASH in hashes
    assert settings.TIPTAP_STYLE_HASH in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


def test_load_balancer_health_probe_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
