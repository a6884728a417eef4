"""Production mode, as a deployment would start it: fresh processes, settings from the
environment only (the test run's own overrides removed)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
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

# The credential each email provider's webhook needs (subscriptions/email_webhooks.py).
WEBHOOK_CREDENTIALS = {
    "amazon_ses": ("ANYMAIL_WEBHOOK_SECRET", "newsroom-hooks:Xq7-wY2p-Lk9d-Rt4s"),
    "brevo": ("ANYMAIL_WEBHOOK_SECRET", "newsroom-hooks:Xq7-wY2p-Lk9d-Rt4s"),
    "postmark": ("ANYMAIL_WEBHOOK_SECRET", "newsroom-hooks:Xq7-wY2p-Lk9d-Rt4s"),
    "mailgun": ("MAILGUN_WEBHOOK_SIGNING_KEY", "0123456789abcdef0123456789abcdef"),
    "sendgrid": (
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwgTprkeGzyNahIsLefkPyK/ttE8T6hVXsjjTp6/Hu5m76L91hBm"
        "H+bLJZc6B2SLt6YwEfr+InBgEVyI7SH0rRA==",
    ),
    "resend": ("RESEND_SIGNING_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
}


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
    # With bounce webhooks on (a signed provider, so the key is parsed too).
    variable, key = WEBHOOK_CREDENTIALS["sendgrid"]
    result = run_python(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='DEBUG')",
        **PRODUCTION_ENV,
        EMAIL_WEBHOOK_PROVIDER="sendgrid",
        **{variable: key},
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


def manage(*args, **env):
    return run_python(
        "from django.core.management import execute_from_command_line;"
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


@pytest.mark.parametrize("provider", sorted(WEBHOOK_CREDENTIALS))
def test_production_refuses_to_start_with_a_webhook_provider_but_no_credential(provider):
    variable, _ = WEBHOOK_CREDENTIALS[provider]

    started = import_settings(**PRODUCTION_ENV, EMAIL_WEBHOOK_PROVIDER=provider)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and variable in started.stderr


def test_check_deploy_reports_a_webhook_provider_without_its_credential():
    check = manage("check", "--deploy", **PRODUCTION_ENV, EMAIL_WEBHOOK_PROVIDER="mailgun")

    assert check.returncode != 0
    assert "webhooks.E002" in check.stderr and "MAILGUN_WEBHOOK_SIGNING_KEY" in check.stderr


def test_gunicorn_refuses_to_serve_a_webhook_without_its_secret():
    result = subprocess.run(
        [Path(sys.executable).with_name("gunicorn"), "--check-config", "newsroom.wsgi"],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k not in TEST_ONLY},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "EMAIL_WEBHOOK_PROVIDER": "postmark",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET" in result.stdout + result.stderr


@pytest.mark.parametrize("provider", sorted(WEBHOOK_CREDENTIALS))
def test_production_starts_with_a_webhook_provider_and_its_credential(provider):
    variable, value = WEBHOOK_CREDENTIALS[provider]
    env = {**PRODUCTION_ENV, "EMAIL_WEBHOOK_PROVIDER": provider, variable: value}
    started = import_settings(**env)
    assert started.returncode == 0, started.stderr


def test_an_unknown_webhook_provider_is_refused_even_with_debug_on():
    result = import_settings(DEBUG="true", EMAIL_WEBHOOK_PROVIDER="postmak")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "postmak" in result.stderr
