"""Where a reader returns after signing up comes from their own request (the browser fills the
field from its location, else the Referer), never from a page's shared HTML."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from subscriptions.models import Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
SIGNUP = "/subscriptions/signup/"


@pytest.fixture
def post_signup(client, django_capture_on_commit_callbacks):
    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, data, **extra)

    return post


def thanks_next(response):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("subscriptions:signup_thanks")
    return parse_qs(location.query).get("next", [""])[0]


@pytest.mark.parametrize("url", ["/", "story"])
def test_signup_boxes_leave_next_to_the_browser(client, newsletter, url):
    if url == "story":
        url = ArticleFactory().get_absolute_url()
    html = client.get(url).content.decode()
    assert 'class="box signup-box"' in html
    assert '<input type="hidden" name="next" value="">' in html


def test_without_javascript_the_reader_returns_to_the_page_named_by_the_referer(
    post_signup, newsletter
):
    response = post_signup(
        {"email": "reader@example.org", "newsletters": "morning", "next": ""},
        HTTP_REFERER="http://testserver/story/dam-inquiry/?from=home",
    )
    assert thanks_next(response) == "/story/dam-inquiry/?from=home"
    assert Subscriber.objects.get().email == "reader@example.org"


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/story/x/",
        "//evil.example/",
        "javascript:alert(1)",
        "not a url",
        "http://testserver/subscriptions/signup/",  # the signup page itself: nowhere to return
    ],
)
def test_a_foreign_or_useless_referer_is_ignored(post_signup, newsletter, referer):
    response = post_signup(
        {"email": "reader@example.org", "newsletters": "morning"}, HTTP_REFERER=referer
    )
    assert thanks_next(response) == ""
    assert Subscriber.objects.count() == 1  # the signup itself still counts


def test_a_next_filled_by_the_browser_wins_over_the_referer(post_signup, newsletter):
    response = post_signup(
        {"email": "reader@example.org", "newsletters": "morning", "next": "/story/from-js/"},
        HTTP_REFERER="http://testserver/elsewhere/",
    )
    assert thanks_next(response) == "/story/from-js/"


def test_a_refused_address_keeps_the_referer_for_the_second_try(post_signup, newsletter):
    """Without JavaScript a bad address re-renders the signup page; its form must still
    know the story the reader came from (the next post's Referer is the signup page)."""
    response = post_signup(
        {"email": "reader@@example", "newsletters": "morning"},
        HTTP_REFERER="http://testserver/story/dam-inquiry/",
    )
    assert response.status_code == 400
    assert '<input type="hidden" name="next" value="/story/dam-inquiry/">' in (
        response.content.decode()
    )
    assert not Subscriber.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_box_script_fills_next_from_the_location(live_server, newsletter):
    """A static script (the CSP allows no inline one) fills the field from the page's own
    address: the only place a per-page value may come from."""
    from tests.browser_utils import PHONE, chromium, serve_site_only

    story = ArticleFactory()
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        serve_site_only(page, live_server.url)
        page.goto(live_server.url + story.get_absolute_url() + "?from=home")
        field = page.locator('.signup-box input[name="next"]')
        assert field.input_value() == story.get_absolute_url() + "?from=home"
