"""The signup box on the reader pages: which newsletter it offers, and that it stays cacheable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ArticleFactory, SectionFactory
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]


def test_home_offers_the_site_default_newsletter(client, newsletter, weekly):
    response = client.get(reverse("articles:home"))

    content = response.content.decode()
    assert 'class="box signup-box"' in content
    assert '<input type="hidden" name="newsletters" value="morning">' in content
    assert "csrfmiddlewaretoken" not in content


def test_story_offers_its_sections_newsletter_else_the_main_one(client, newsletter):
    war = SectionFactory(name="War", slug="war")
    frontline = NewsletterFactory(name="Frontline Daily", slug="frontline")
    frontline.sections.add(war)

    war_story = client.get(ArticleFactory(section=war).get_absolute_url()).content.decode()
    other_story = client.get(ArticleFactory().get_absolute_url()).content.decode()

    assert 'name="newsletters" value="frontline"' in war_story
    assert 'name="newsletters" value="morning"' in other_story


def test_the_offer_is_read_once_per_generation_and_follows_a_newsletter_change(
    client, newsletter, shared_blocks, django_capture_on_commit_callbacks
):
    """The box is a shared block: its newsletters are read where it renders, once."""
    url = ArticleFactory().get_absolute_url()
    assert 'value="morning"' in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not [query for query in captured if "newsletters_newsletter" in query["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        newsletter.is_default = False
        newsletter.save(update_fields=["is_default"])
        NewsletterFactory(name="Evening Digest", slug="evening", is_default=True)

    html = client.get(url).content.decode()
    assert 'value="evening"' in html and 'value="morning"' not in html
