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
