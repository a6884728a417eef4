"""Copies each process keeps of cached pages and blocks (pagecache.store): read once from
the shared cache, never staler than it, bounded in number."""

import pytest
from django.core.cache import cache
from django.test import Client
from freezegun import freeze_time

from pagecache.state import bump_generation
from pagecache.store import LocalCopies, copies
from tests.articles.reader_helpers import full_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


class SpyCache:
    """Wraps the shared cache, noting which page keys were read from it."""

    def __init__(self, monkeypatch):
        self.pages_read = []
        real_get_many, real_get = cache.get_many, cache.get

        def get_many(keys, *args, **kwargs):
            self.pages_read += [key for key in keys if key.startswith("pagecache:page:")]
            return real_get_many(keys, *args, **kwargs)

        def get(key, *args, **kwargs):
            if key.startswith("pagecache:page:"):
                self.pages_read.append(key)
            return real_get(key, *args, **kwargs)

        monkeypatch.setattr(cache, "get_many", get_many)
        monkeypatch.setattr(cache, "get", get)


def test_a_page_this_process_holds_is_not_read_from_the_shared_cache_again(monkeypatch):
    story = full_story()
    url = story.get_absolute_url()
    client = Client()
    assert client.get(url)["X-Page-Cache"] == "miss"
    spy = SpyCache(monkeypatch)

    second = client.get(url)

    assert second["X-Page-Cache"] == "hit"
    assert spy.pages_read == []  # only the generation and schedule were asked for


def test_a_change_through_another_server_retires_the_local_copy_at_once():
    story = full_story(headline="Bridge reopens after repairs")
    url = story.get_absolute_url()
    client = Client()
    assert b"Bridge reopens after repairs" in client.get(url).content
    assert client.get(url)["X-Page-Cache"] == "hit"

    # Another server saves the story: the row changes and the shared generation moves on,
    # which is all this process can see of it.
    type(story).objects.filter(pk=story.pk).update(headline="Bridge stays shut for winter")
    bump_generation()

    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert b"Bridge stays shut for winter" in fresh.content


def test_a_local_copy_lives_no_longer_than_the_shared_one():
    story = full_story()
    url = story.get_absolute_url()
    client = Client()
    with freeze_time() as frozen:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
        frozen.tick(6)  # past PAGE_CACHE_STALE_SECONDS (5)
        assert client.get(url)["X-Page-Cache"] == "miss"


def test_copies_are_bounded_least_recently_used_first(settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    local = LocalCopies()
    far = 4_000_000_000
    local.put("a", far, "A")
    local.put("b", far, "B")
    assert local.get("a") == (far, "A")  # "b" is now the least recently used
    local.put("c", far, "C")
    assert (local.get("a"), local.get("b"), local.get("c")) == ((far, "A"), None, (far, "C"))
    assert len(local) == 2


def test_expired_copies_are_not_returned():
    local = LocalCopies()
    local.put("gone", 1.0, "old")
    assert local.get("gone") is None


def test_none_kept_when_switched_off(settings, monkeypatch):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 0
    story = full_story()
    client = Client()
    client.get(story.get_absolute_url())
    assert len(copies) == 0
    spy = SpyCache(monkeypatch)
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert spy.pages_read  # read from the shared cache, as before


def test_a_page_that_misses_reads_the_generation_once(monkeypatch):
    """The lookup, the story rail, the shared blocks and the data read inside them share one
    read (pagecache.state.state_for): with Redis, each read is a round trip."""
    from pagecache.state import GENERATION_KEY

    story = full_story()
    Client().get(story.get_absolute_url())  # fills the shared blocks and the schedule
    bump_generation()  # the next request misses the page and every block
    reads = []
    inside_get_many = []
    real_get_many, real_get = cache.get_many, cache.get

    def get_many(keys, *args, **kwargs):
        reads.extend(key for key in keys if key == GENERATION_KEY)
        inside_get_many.append(True)  # local memory's get_many calls get() per key
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    def get(key, *args, **kwargs):
        if key == GENERATION_KEY and not inside_get_many:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(cache, "get", get)

    assert Client().get(story.get_absolute_url())["X-Page-Cache"] == "miss"
    assert len(reads) == 1
