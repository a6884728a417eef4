"""/healthz: 200 when the database and the cache answer, 503 naming what does not."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_200(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_an_unreachable_cache_answers_503(client, settings):
    # Nothing listens on port 1: the real Redis client fails to connect.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error: ")


def test_a_failing_database_answers_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "error: OperationalError",
        "cache": "ok",
    }


def test_load_balancers_may_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("articles:home")).status_code == 301
