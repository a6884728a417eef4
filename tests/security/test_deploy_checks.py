"""`manage.py check --deploy` with DEBUG off names every unsafe client-IP and HSTS setting.

The checks read settings when they run, so most cases run in this process with the settings
changed; a few start a fresh process with production settings from the environment only, as
a deployment would (tests/security/test_production_settings.py), to prove the variables reach
them and that `check --deploy` fails.
"""

import pytest
from django.core import checks

from tests.security.test_production_settings import PRODUCTION_ENV, import_settings, run_python

OURS = {"core.E001", "core.W002", "security.W004", "security.W005", "security.W021"}


def deploy_check():
    """What `check --deploy` shows of these: silenced checks dropped, as the command does."""
    found = checks.run_checks(include_deployment_checks=True)
    return {m.id: m for m in found if m.id in OURS and not m.is_silenced()}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    settings.SECURE_HSTS_PRELOAD = False
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]
    return settings


def test_the_production_defaults_report_none_of_these(production):
    assert deploy_check() == {}


@pytest.mark.parametrize(
    "proxies",
    [
        ["0.0.0.0/0"],  # everyone
        ["::/0"],
        ["127.0.0.1", "0.0.0.0/1"],  # half the internet beside a sane entry
        ["8.0.0.0/7"],  # a public block far wider than any proxy
        ["2000::/3"],  # the whole IPv6 internet
        ["10.0.0.0/8", "0.0.0.0/4"],
    ],
)
def test_trusting_a_wide_public_network_is_an_error(production, proxies):
    production.TRUSTED_PROXIES = proxies
    found = deploy_check()
    assert set(found) == {"core.E001"}
    error = found["core.E001"]
    assert error.level == checks.ERROR
    assert "TRUSTED_PROXIES" in error.msg and "X-Forwarded-For" in error.msg


@pytest.mark.parametrize(
    "proxies",
    [
        ["127.0.0.0/8", "::1"],
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"],  # private balancers
        # A CDN's published ranges (Cloudflare's widest: a /13 and a /29).
        ["173.245.48.0/20", "104.16.0.0/13", "2400:cb00::/32", "2a06:98c0::/29"],
        [],  # no proxy at all: gunicorn facing readers directly
    ],
)
def test_proxies_a_deployment_really_has_are_accepted(production, proxies):
    production.TRUSTED_PROXIES = proxies
    assert deploy_check() == {}


def test_hsts_switched_off_is_reported(production):
    production.SECURE_HSTS_SECONDS = 0
    assert set(deploy_check()) == {"security.W004"}


def test_opting_in_to_subdomains_and_preload_reports_nothing(production):
    production.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    production.SECURE_HSTS_PRELOAD = True
    assert deploy_check() == {}


@pytest.mark.parametrize(
    "subdomains, seconds", [(False, 31_536_000), (True, 86_400), (False, 86_400)]
)
def test_preload_that_the_lists_would_refuse_is_reported(production, subdomains, seconds):
    production.SECURE_HSTS_PRELOAD = True
    production.SECURE_HSTS_INCLUDE_SUBDOMAINS = subdomains
    production.SECURE_HSTS_SECONDS = seconds
    found = deploy_check()
    assert set(found) == {"core.W002"}
    assert "includeSubDomains" in found["core.W002"].msg


# --- Fresh processes: the environment reaches the checks --------------------------------


def test_check_deploy_fails_on_a_wide_trusted_network():
    result = run_python(
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True)",
        **PRODUCTION_ENV,
        TRUSTED_PROXIES="127.0.0.1,0.0.0.0/0",
    )
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "0.0.0.0/0" in result.stderr


def test_a_malformed_trusted_proxy_refuses_to_start():
    result = import_settings(**PRODUCTION_ENV, TRUSTED_PROXIES="127.0.0.1,nginx")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "TRUSTED_PROXIES" in result.stderr
    assert "'nginx'" in result.stderr


def test_the_hsts_choices_come_from_the_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "from django.core import checks;"
        "found = checks.run_checks(include_deployment_checks=True);"
        "shown = [m.id for m in found if not m.is_silenced()];"
        "print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, *shown)",
        **PRODUCTION_ENV,
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "core.W002"]
