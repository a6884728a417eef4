"""Two independent app servers (gunicorn processes) sharing one PostgreSQL and one Redis:
a story published through one is on the home page served by the other at once.

The cached copies are kept for five minutes here (PAGE_CACHE_STALE_SECONDS=300), so only the
invalidation through Redis, not a copy's age, can explain the fresh page.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles.models import Article
from tests.factories import ArticleFactory, BylineFactory
from tests.scaling.conftest import ROOT, free_ports, stop, wait_for_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "two-servers-test-password"


def database_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def redis_cache_url():
    # A database of its own on the CI Redis, emptied before and after.
    url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/13"))


@pytest.fixture
def redis_cache():
    import redis

    url = redis_cache_url()
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def app_servers(redis_cache, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": "two-app-servers-test-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": database_url(),
        "CACHE_URL": redis_cache,
        "PAGE_CACHE_ENABLED": "true",
        "PAGE_CACHE_FRAGMENTS": "true",
        "PAGE_CACHE_STALE_SECONDS": "300",
        # The editor signs in on a password: this test is about the shared cache, and the
        # two-step sign-in has its own (tests/staffauth).
        "STAFF_2FA_REQUIRED_ROLES": "",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    servers = []
    try:
        for port in free_ports(2):
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp_path / f"gunicorn-{port}.log", "wb"),  # noqa: SIM115
            )
            servers.append((f"http://127.0.0.1:{port}", process))
            wait_for_port(port, process)
        yield [url for url, _ in servers]
    finally:
        for _, process in servers:
            stop(process)


class Browser:
    """Cookies and CSRF tokens, like a person at a browser (no JavaScript needed), reaching
    one app server with the site's own host name, as a load balancer passes it on."""

    host = "localhost"

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"Host": self.host})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Host", self.host)
        request.add_header("Referer", f"http://{self.host}{path}")
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_publish_through_one_server_refreshes_the_page_served_by_the_other(app_servers):
    server_a, server_b = app_servers
    get_user_model().objects.create_superuser("desk-editor", "desk@example.org", PASSWORD)
    ArticleFactory(headline="Already on the home page", in_news_feed=True, is_featured=True)
    headline = f"Breaking through server A {uuid.uuid4().hex[:8]}"
    draft = ArticleFactory(headline=headline, status=Article.Status.DRAFT, publish_at=None,
                           in_news_feed=True)  # fmt: skip
    BylineFactory(article=draft)

    reader_b, reader_a = Browser(server_b), Browser(server_a)
    status, headers, html = reader_b.get("/")
    assert status == 200 and headers["X-Page-Cache"] == "miss"
    assert "Already on the home page" in html and headline not in html
    assert reader_b.get("/")[1]["X-Page-Cache"] == "hit"
    # The copy server B stored is the one server A serves: the cache is shared.
    assert reader_a.get("/")[1]["X-Page-Cache"] == "hit"

    editor = Browser(server_a)
    _, _, login_page = editor.get("/admin/login/")
    editor.post(
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": editor.csrf_token(login_page),
            "username": "desk-editor",
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    _, _, changelist = editor.get("/admin/articles/article/")
    status, _ = editor.post(
        "/admin/articles/article/",
        {
            "csrfmiddlewaretoken": editor.csrf_token(changelist),
            "action": "publish_now",
            "_selected_action": [draft.pk],
        },
    )
    assert status == 200
    draft.refresh_from_db()
    assert draft.is_published

    status, headers, html = reader_b.get("/")
    assert headers["X-Page-Cache"] == "miss"
    assert headline in html
    assert reader_b.get(draft.get_absolute_url())[0] == 200
