"""/healthz is liveness (the process answers); /readyz names each dependency that is down."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

CLOSED_REDIS = {
    # Nothing listens on port 1: the real Redis client fails to connect.
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}


def test_healthz_answers_200_and_is_never_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_stays_200_with_the_cache_and_database_down(client, settings, monkeypatch):
    # A balancer must not take every server out for an outage they all share.
    settings.CACHES = {**settings.CACHES, "default": CLOSED_REDIS}

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert client.get(reverse("healthz")).status_code == 200


def test_readyz_answers_200_naming_every_dependency(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "tasks": "ok", "storage": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.redis.RedisCache", "core.cache.ResilientRedisCache"]
)
def test_readyz_with_redis_unreachable_answers_503_naming_it(client, settings, tmp_path, backend):
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {**settings.CACHES, "default": {**CLOSED_REDIS, "BACKEND": backend}}
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"].startswith("error: ")
    assert {name for name, state in body["checks"].items() if state != "ok"} == {"cache"}


def test_readyz_with_a_failing_database_answers_503(client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "error: OperationalError"
    assert checks["tasks"] == "error: OperationalError"
    assert checks["cache"] == "ok"


def test_readyz_with_media_folder_missing_answers_503(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "gone"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error: PermissionError"


def test_load_balancers_may_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code != 301
    assert client.get(reverse("articles:home")).status_code == 301
