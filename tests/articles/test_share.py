"""Share links under stories: plain links to each service, no third-party script."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.articles.reader_helpers import start_tags
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return ArticleFactory(slug="ferry-returns", headline="Ferry returns: “a lifeline” & more")


def share_links(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    section = html[html.index('<section class="share"') :]
    section = section[: section.index("</section>")]
    return {attrs["class"].split("--")[-1]: attrs for attrs in start_tags(section, "a")}


def test_each_service_gets_the_story_address_and_headline(client, story):
    url = "http://testserver/story/ferry-returns/"
    links = share_links(client, story)
    assert set(links) == {"email", "x", "facebook", "telegram", "copy"}

    email = urlsplit(links["email"]["href"])
    assert email.scheme == "mailto"
    query = dict(part.split("=", 1) for part in email.query.split("&"))
    assert unquote(query["subject"]) == story.headline
    assert unquote(query["body"]) == f"{story.headline} {url}"
    assert "+" not in email.query  # mail programs show "+" literally

    x = urlsplit(links["x"]["href"])
    assert (x.netloc, x.path) == ("x.com", "/intent/post")
    assert parse_qs(x.query) == {"url": [url], "text": [story.headline]}
    facebook = urlsplit(links["facebook"]["href"])
    assert (facebook.netloc, parse_qs(facebook.query)) == ("www.facebook.com", {"u": [url]})
    telegram = urlsplit(links["telegram"]["href"])
    assert (telegram.netloc, telegram.path) == ("t.me", "/share/url")
    assert parse_qs(telegram.query) == {"url": [url], "text": [story.headline]}

    for key in ("x", "facebook", "telegram"):
        assert links[key]["target"] == "_blank"
        assert links[key]["rel"] == "noopener noreferrer"
    assert "target" not in links["email"]


def test_copy_link_is_a_plain_link_enhanced_by_our_own_script(client, story):
    links = share_links(client, story)
    assert links["copy"]["href"] == links["copy"]["data-copy-url"]
    assert links["copy"]["href"] == "http://testserver/story/ferry-returns/"
    html = client.get(story.get_absolute_url()).content.decode()
    scripts = [attrs.get("src") for attrs in start_tags(html, "script") if attrs.get("src")]
    assert "/static/js/share.js" in scripts
    # Every script the page loads is ours: no share widget calls home.
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert 'role="status"' in html.split('class="share"', 1)[1]
