"""Production mode, as a deployment would start it: fresh processes, settings from the
environment only (the test run's own overrides removed)."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-a-production-like-check-" + "x7Qp" * 10,
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
}
# Variables this test run sets (pyproject.toml) that a production server would not have.
TEST_ONLY = {
    "SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "ALLOWED_HOSTS",
    "STATICFILES_STORAGE", "SITE_URL", "ALLOW_INSECURE_KEY", "DJANGO_SETTINGS_MODULE",
    "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip


def run_python(code, **env):
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environment.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_python(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='DEBUG')",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_https_settings_are_on_by_default_when_debug_is_off():
    result = run_python(
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({name: getattr(s, name) for name in ["
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
        "'SECURE_PROXY_SSL_HEADER', 'SECURE_CONTENT_TYPE_NOSNIFF', 'SESSION_COOKIE_HTTPONLY',"
        "'X_FRAME_OPTIONS', 'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'DEBUG']}))",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        # Opt-in (SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD): both reach beyond
        # this site, and preload cannot be taken back quickly.
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "DEBUG": False,
    }


def import_settings(**env):
    return run_python("import newsroom.settings", **env)


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DEBUG="false", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_refuses_the_default_key_even_when_given_explicitly():
    result = import_settings(
        DEBUG="false", SECRET_KEY="insecure-dev-key-change-me", ALLOWED_HOSTS="news.example.org"
    )
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr


def test_benchmark_escape_hatch_only_works_on_loopback():
    public = import_settings(
        DEBUG="false", ALLOW_INSECURE_KEY="true", ALLOWED_HOSTS="news.example.org,127.0.0.1"
    )
    assert public.returncode != 0 and "ImproperlyConfigured" in public.stderr
    loopback = import_settings(
        DEBUG="false", ALLOW_INSECURE_KEY="true", ALLOWED_HOSTS="127.0.0.1,localhost"
    )
    assert loopback.returncode == 0, loopback.stderr


def test_debug_mode_may_use_the_development_key():
    assert import_settings(DEBUG="true").returncode == 0
