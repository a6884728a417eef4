import os

import pytest


def pytest_collection_modifyitems(config, items):
    """`postgres`/`redis` markers skip with a reason on the SQLite pass and run in CI's second."""
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
            )
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set REDIS_URL=redis://…)"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from pagecache.local import copies

    cache.clear()
    copies.clear()
    yield
    cache.clear()
    copies.clear()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the PostgreSQL sessions that threads of some
    tests (rendition workers, live servers) left open, so the drop does not fail."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
