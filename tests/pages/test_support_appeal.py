"""The support appeal under stories: edited in the admin, links to the donation page only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import SupportAppeal
from tests.articles.reader_helpers import start_tags
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DONATE = "https://donate.example.org/newsroom"


@pytest.fixture
def donation_url(settings):
    settings.DONATION_URL = DONATE
    return DONATE


def make_appeal(**fields):
    fields.setdefault("text", "We are funded by readers.\n\nEvery gift counts.")
    fields.setdefault("amounts", "5, 10, 25")
    appeal = SupportAppeal(**fields)
    appeal.full_clean()
    appeal.save()
    return appeal


def appeal_block(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    if '<aside class="appeal"' not in html:
        return None
    block = html[html.index('<aside class="appeal"') :]
    return block[: block.index("</aside>")]


def test_the_appeal_sits_under_the_story_with_amounts_and_a_button(client, donation_url):
    make_appeal(heading="Keep our reporters in the field", button_label="Give now")
    story = ArticleFactory()

    block = appeal_block(client, story)

    assert (
        '<h2 class="appeal__title" id="appeal-title">Keep our reporters in the field</h2>' in block
    )
    assert '<p class="appeal__text">We are funded by readers.</p>' in block
    assert '<p class="appeal__text">Every gift counts.</p>' in block
    links = [(attrs["href"], attrs["class"]) for attrs in start_tags(block, "a")]
    assert links == [
        (f"{DONATE}?amount=5", "appeal__amount"),
        (f"{DONATE}?amount=10", "appeal__amount"),
        (f"{DONATE}?amount=25", "appeal__amount"),
        (DONATE, "button appeal__button"),
    ]
    assert ">$10</a>" in block and ">Give now</a>" in block
    # Only links: no form, no card field, nothing posted to this site.
    assert "<form" not in block and "<input" not in block
    html = client.get(story.get_absolute_url()).content.decode()
    assert html.index("story__footer") < html.index('<aside class="appeal"')


def test_amount_joins_an_existing_query_string(client, settings):
    settings.DONATION_URL = "https://pay.example.org/give?campaign=web"
    make_appeal(amounts="20")
    block = appeal_block(client, ArticleFactory())
    assert 'href="https://pay.example.org/give?campaign=web&amp;amount=20"' in block


def test_no_appeal_without_a_donation_page_or_an_active_appeal(client, settings):
    story = ArticleFactory()
    make_appeal()
    settings.DONATION_URL = ""
    assert appeal_block(client, story) is None

    settings.DONATION_URL = DONATE
    SupportAppeal.objects.update(is_active=False)
    assert appeal_block(client, story) is None


def test_the_most_recently_edited_active_appeal_is_shown(client, donation_url):
    make_appeal(heading="Winter appeal")
    make_appeal(heading="Spring appeal")
    make_appeal(heading="Old appeal", is_active=False)
    assert "Spring appeal" in appeal_block(client, ArticleFactory())


def test_amounts_must_be_whole_positive_numbers():
    for amounts in ("5, ten", "5.50", "-5", "0"):
        with pytest.raises(ValidationError, match="whole numbers"):
            make_appeal(amounts=amounts)
    assert make_appeal(amounts="").amount_list == []
    assert make_appeal(amounts=" 5;10 , 25 ").amount_list == [5, 10, 25]


def test_appeal_is_cached_and_follows_edits(
    client, shared_blocks, donation_url, django_capture_on_commit_callbacks
):
    story = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal(heading="First heading")
    assert "First heading" in appeal_block(client, story)

    # Warm, the appeal costs no query: it is a shared block, read when it renders.
    client.get(story.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        client.get(story.get_absolute_url())
    assert not [query for query in captured if "pages_supportappeal" in query["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        appeal.heading = "Second heading"
        appeal.save()
    assert "Second heading" in appeal_block(client, story)


def test_appeal_admin_shows_which_one_readers_see(admin_client, donation_url):
    make_appeal(heading="Shown")
    hidden = make_appeal(heading="Hidden", is_active=False)
    html = admin_client.get("/admin/pages/supportappeal/").content.decode()
    assert "Shown" in html and "Hidden" in html
    assert html.count('alt="True"') == 2  # active + shown now for the current one
    change = admin_client.get(f"/admin/pages/supportappeal/{hidden.pk}/change/").content.decode()
    assert DONATE in change


def test_appeal_admin_says_when_no_donation_page_is_configured(admin_client, settings):
    settings.DONATION_URL = ""
    appeal = make_appeal()
    html = admin_client.get(f"/admin/pages/supportappeal/{appeal.pk}/change/").content.decode()
    assert "Not configured (set DONATION_URL)" in html
