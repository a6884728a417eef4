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


def _verify_with_test_device(sender, request, user, **kwargs):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test authenticator", defaults={"confirmed": True}
    )
    # What django_otp.login() stores (it needs request.user, which the test client's
    # force_login request does not carry).
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(scope="session", autouse=True)
def _second_factor_at_sign_in():
    """Every sign-in in a test (force_login, client.login, the admin's form in a browser)
    completes the second factor too, with a real enrolled device of that person, so the
    production gate (staffauth.middleware) lets the session through as it would after the
    real step. Session-scoped, so module fixtures that sign people in get it as well."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_verify_with_test_device, dispatch_uid="tests.second_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.second_factor")


@pytest.fixture(autouse=True)
def _walk_the_sign_in_flow(request):
    """Tests of the sign-in flow itself are marked `sign_in_flow`: for them no second factor
    is completed on their behalf."""
    if "sign_in_flow" not in request.keywords:
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(dispatch_uid="tests.second_factor")
    yield
    user_logged_in.connect(_verify_with_test_device, dispatch_uid="tests.second_factor")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page_cache(settings):
    """Every cache on, as in production: pages, shared blocks and data (the test run has them
    off, see pyproject.toml), with the default bound."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_FRAGMENTS = True
    settings.PAGE_CACHE_STALE_SECONDS = 5
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 10
    return settings


@pytest.fixture
def shared_blocks(page_cache):
    """Shared blocks and data kept, pages rendered every time: what a page-cache miss does.
    Kept for five minutes, so a count never depends on how fast a busy machine runs."""
    page_cache.PAGE_CACHE_ENABLED = False
    page_cache.PAGE_CACHE_STALE_SECONDS = 300
    return page_cache


@pytest.fixture(params=["caches off", "every cache on"])
def reader_caches(request, monkeypatch):
    """Runs a reader-page test twice: with the caches off (the test run's default) and with
    every cache on, as in production. Tests never commit, so with the caches on a change
    retires the generation at once, as its commit would (pagecache.invalidate_pages)."""
    if request.param == "every cache on":
        import types

        import pagecache.state

        request.getfixturevalue("page_cache")
        at_once = types.SimpleNamespace(on_commit=lambda callback, **kwargs: callback())
        monkeypatch.setattr(pagecache.state, "transaction", at_once)
    return request.param


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from pagecache.store import copies

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
