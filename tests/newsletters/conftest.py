import pytest

from tests.factories import ArticleFactory, SectionFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.smtp import smtp_server  # noqa: F401  (fixture)
from tests.subscriptions.factories import NewsletterFactory


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://news.example.org"
    settings.NEWSLETTER_BATCH_SIZE = 200
    settings.NEWSLETTER_SEND_GROUP = 1
    settings.NEWSLETTER_MAX_ATTEMPTS = 4
    settings.NEWSLETTER_RETRY_SECONDS = 60
    settings.NEWSLETTER_CLAIM_TIMEOUT = 300
    settings.NEWSLETTER_WATCH_INTERVAL = 30
    settings.NEWSLETTER_POSTAL_ADDRESS = "The Newsroom, 12 Invented Lane, 01001 Kyiv"


@pytest.fixture
def newsletter(db):
    return NewsletterFactory(
        name="Morning Briefing",
        slug="morning",
        description="The five stories you need before breakfast.",
        frequency="Every weekday morning",
        is_default=True,
    )


@pytest.fixture
def section(db):
    return SectionFactory(name="National", slug="national")


@pytest.fixture
def issue(newsletter, section):
    issue = IssueFactory(newsletter=newsletter)
    add_stories(issue, ArticleFactory.create_batch(2, section=section))
    return issue
