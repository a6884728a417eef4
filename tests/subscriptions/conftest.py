import pytest

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
