"""articles reads the News Feed through what live registers in its ready(), never by import."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from articles import news_feed
from live import feed


def test_live_registers_the_feed_the_reader_pages_read():
    assert news_feed._registered == {"entries": feed.feed_entries, "page": feed.feed_page}


def test_without_live_the_feed_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(news_feed, "_registered", {})
    with pytest.raises(ImproperlyConfigured, match="'live' in INSTALLED_APPS"):
        news_feed.feed_entries(limit=3)
    with pytest.raises(ImproperlyConfigured, match="live"):
        news_feed.feed_page(1, per_page=30)


def test_calls_pass_through_with_their_arguments(monkeypatch):
    calls = []
    monkeypatch.setattr(news_feed, "_registered", {})
    news_feed.register_news_feed(
        entries=lambda **kwargs: calls.append(kwargs) or ["entry"],
        page=lambda number, **kwargs: calls.append((number, kwargs)) or "page",
    )
    assert news_feed.feed_entries(limit=5, since="then") == ["entry"]
    assert news_feed.feed_page(2, per_page=30) == "page"
    assert calls == [{"limit": 5, "since": "then"}, (2, {"per_page": 30})]
