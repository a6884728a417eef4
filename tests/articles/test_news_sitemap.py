"""The Google News sitemap (stories of the last 48 hours) and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import news_language
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def news_entries(client):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # well-formed, or this raises
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return root.findall("sm:url", NS)


def test_news_sitemap_lists_the_last_48_hours_with_news_elements(client, settings):
    settings.SITE_NAME = "Kyiv Ledger"
    now = timezone.now()
    fresh = ArticleFactory(
        headline="Metro extends night service & adds trains <weekends>",
        publish_at=now - timedelta(hours=3),
    )
    older = ArticleFactory(headline="Bridge tolls scrapped", publish_at=now - timedelta(hours=47))
    ArticleFactory(headline="Last week's budget", publish_at=now - timedelta(hours=49))
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(headline="Tonight's story", publish_at=now + timedelta(hours=2))

    entries = news_entries(client)

    assert [entry.findtext("sm:loc", namespaces=NS) for entry in entries] == [
        f"http://testserver{fresh.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]
    news = entries[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Kyiv Ledger"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == fresh.headline
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published.tzinfo is not None
    assert published == fresh.publish_at.replace(microsecond=0)
    # Every entry has exactly the elements Google News requires, in its namespace.
    for entry in entries:
        children = [child.tag for child in entry.find("news:news", NS)]
        assert children == [
            f"{{{NS['news']}}}publication",
            f"{{{NS['news']}}}publication_date",
            f"{{{NS['news']}}}title",
        ]


def test_news_sitemap_is_empty_but_valid_without_fresh_stories(client):
    ArticleFactory(publish_at=timezone.now() - timedelta(days=5))
    assert news_entries(client) == []


def test_news_sitemap_queries_do_not_grow(client, django_assert_num_queries):
    for hours in range(20):
        ArticleFactory(publish_at=timezone.now() - timedelta(hours=hours + 1))
    # the sitemap paginator's count, then the stories (headline and times only)
    with django_assert_num_queries(2):
        client.get("/sitemap-news.xml")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en-us", "en"), ("en", "en"), ("uk", "uk"), ("pt-br", "pt"), ("zh-hans", "zh-cn")],
)
def test_news_language(code, expected):
    assert news_language(code) == expected


def test_robots_txt_points_to_both_sitemaps_and_keeps_crawlers_out_of_admin(client, settings):
    settings.SITE_URL = "https://news.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines


def test_regular_sitemap_is_unchanged_beside_the_news_one(client):
    story = ArticleFactory(publish_at=timezone.now() - timedelta(days=10))
    assert reverse("news_sitemap") == "/sitemap-news.xml"
    assert (
        f"http://testserver{story.get_absolute_url()}"
        in client.get("/sitemap.xml").content.decode()
    )
