"""Titles, meta descriptions, canonical URLs, Open Graph, JSON-LD and the sitemap."""

import json
import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from articles.models import Article, Byline
from tests.articles.reader_helpers import full_story, start_tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def meta(html):
    """{name or property: content} of the page's <meta> tags."""
    tags = start_tags(html, "meta")
    return {tag.get("property") or tag.get("name"): tag.get("content") for tag in tags}


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def canonical(html):
    return [link["href"] for link in start_tags(html, "link") if link.get("rel") == "canonical"]


def test_story_page_metadata(client):
    story = full_story(
        authors=2,
        tags=2,
        headline="Rail link to the west reopens",
        dek="Trains run again after repairs to the bridge.",
        publish_at=datetime(2023, 12, 27, 14, 16, tzinfo=UTC),
        updated_at=datetime(2023, 12, 28, 9, 0, tzinfo=UTC),
    )
    html = get_html(client, story.get_absolute_url())
    tags = meta(html)

    assert "<title>Rail link to the west reopens | The Newsroom</title>" in html
    assert tags["description"] == "Trains run again after repairs to the bridge."
    assert canonical(html) == [f"http://testserver{story.get_absolute_url()}"]
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Rail link to the west reopens"
    assert tags["og:url"] == f"http://testserver{story.get_absolute_url()}"
    assert tags["og:image"].startswith("http://testserver/media/renditions/")
    assert tags["og:image"].endswith("-1024.jpg")
    assert tags["og:image:alt"] == story.lead_photo.alt_text
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["article:published_time"] == "2023-12-27T16:16:00+02:00"
    assert tags["article:section"] == story.section.name


def test_story_json_ld_is_a_complete_news_article(client):
    story = full_story(
        authors=2,
        publish_at=datetime(2023, 12, 27, 14, 16, tzinfo=UTC),
        updated_at=datetime(2023, 12, 28, 9, 0, tzinfo=UTC),
    )
    desk = AuthorFactory(name="The Newsroom desk", kind="desk")
    Byline.objects.create(article=story, author=desk, position=9)

    (data,) = json_ld_blocks(get_html(client, story.get_absolute_url()))

    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["datePublished"] == "2023-12-27T16:16:00+02:00"
    assert data["dateModified"] == "2023-12-28T11:00:00+02:00"
    assert [author["name"] for author in data["author"]] == [
        *[author.name for author in story.byline_authors[:2]],
        "The Newsroom desk",
    ]
    assert [author["@type"] for author in data["author"]] == ["Person", "Person", "Organization"]
    assert data["image"][0].startswith("http://testserver/media/renditions/")
    assert data["articleSection"] == story.section.name
    assert data["publisher"]["name"] == "The Newsroom"
    assert data["mainEntityOfPage"]["@id"] == f"http://testserver{story.get_absolute_url()}"


def test_json_ld_cannot_be_broken_out_of(client):
    story = ArticleFactory(headline="</script><script>alert('x')</script> & more")

    html = get_html(client, story.get_absolute_url())

    assert "</script><script>alert" not in html
    (data,) = json_ld_blocks(html)
    assert data["headline"] == "</script><script>alert('x')</script> & more"


def test_listing_pages_have_their_own_metadata(client):
    section = SectionFactory(name="Analysis", description="Why things happen, explained.")
    author = AuthorFactory(name="Olha Savchuk", bio="Writes about courts.")
    story = ArticleFactory(section=section, tag_names=["Courts"], in_news_feed=True)
    Byline.objects.create(article=story, author=author)

    pages = {
        section.get_absolute_url(): ("Analysis | The Newsroom", "Why things happen, explained."),
        author.get_absolute_url(): ("Olha Savchuk | The Newsroom", "Writes about courts."),
        reverse("articles:tag", args=["courts"]): ("Courts | The Newsroom", "Stories tagged"),
        reverse("articles:news_feed"): ("News Feed | The Newsroom", "The latest news"),
        reverse("articles:home"): ("The Newsroom:", "Independent national news"),
    }
    for url, (title, description) in pages.items():
        html = get_html(client, url)
        assert f"<title>{title}" in html, url
        assert meta(html)["description"].startswith(description), url
        assert canonical(html) == [f"http://testserver{url}"], url
        assert meta(html)["og:url"] == f"http://testserver{url}", url


def test_second_page_has_its_own_canonical(client):
    section = SectionFactory()
    ArticleFactory.create_batch(21, section=section)

    html = get_html(client, section.get_absolute_url() + "?page=2")

    assert canonical(html) == [f"http://testserver{section.get_absolute_url()}?page=2"]
    assert "(page 2)" in html


def test_sitemap_lists_published_stories_sections_and_authors(client):
    section = SectionFactory(slug="national")
    empty_section = SectionFactory(slug="podcasts")
    writer, idle = AuthorFactory(slug="olena"), AuthorFactory(slug="idle-writer")
    story = ArticleFactory(section=section, slug="bridge-opens")
    Byline.objects.create(article=story, author=writer)
    draft = ArticleFactory(section=section, slug="secret-draft", status=Article.Status.DRAFT)
    Byline.objects.create(article=draft, author=idle)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.findall("sm:url/sm:loc", namespace)}
    assert "http://testserver/story/bridge-opens/" in locations
    assert "http://testserver/section/national/" in locations
    assert "http://testserver/section/podcasts/" in locations
    assert "http://testserver/author/olena/" in locations
    assert "http://testserver/story/secret-draft/" not in locations
    assert "http://testserver/author/idle-writer/" not in locations
    assert empty_section


def test_sitemap_uses_site_url_whatever_the_host(client, settings):
    settings.SITE_URL = "https://news.example.org"
    ArticleFactory(slug="bridge-opens")

    response = client.get("/sitemap.xml")

    assert b"<loc>https://news.example.org/story/bridge-opens/</loc>" in response.content
