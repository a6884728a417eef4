import importlib
from contextlib import ExitStack
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import clear_url_caches

from tests.smtp import smtp_server  # noqa: F401  (fixture)
from tests.subscriptions.factories import NewsletterFactory


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run queued tasks in-process so a test sees the email a worker would send."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def newsletter(db):
    return NewsletterFactory(name="Morning Briefing", slug="morning", is_default=True)


@pytest.fixture
def weekly(db):
    return NewsletterFactory(
        name="Weekend Reads",
        slug="weekend",
        description="Long reads for Saturday.",
        frequency="Saturdays",
        position=2,
    )


def remount_urls():
    """Build the URLconf again from the current settings, as a server starting with them would
    (the webhook routes are chosen from the settings when newsroom.urls is imported)."""
    importlib.reload(import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def webhook_provider():
    """Call with a provider name and its ANYMAIL credentials to serve only its webhook; the
    original URLconf is back after the test."""
    configured = ExitStack()

    def configure(provider, **anymail):
        configured.enter_context(
            override_settings(EMAIL_WEBHOOK_PROVIDER=provider, ANYMAIL=anymail)
        )
        remount_urls()

    yield configure
    configured.close()
    remount_urls()
