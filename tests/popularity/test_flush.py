"""Flushing the read buffer: exact counts under concurrency, with local memory and Redis."""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from popularity import buffer, services
from popularity.models import ArticleDailyViews
from popularity.services import flush_read_counts
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
READS_PER_THREAD = 150


def total_views(article=None):
    rows = ArticleDailyViews.objects.all()
    if article is not None:
        rows = rows.filter(article=article)
    return sum(rows.values_list("views", flat=True))


def hammer(stories, *, flush_every=None):
    """THREADS threads each record READS_PER_THREAD reads, some flushing as they go."""
    errors = []

    def reader(number):
        try:
            for read in range(READS_PER_THREAD):
                buffer.record_read(stories[(number + read) % len(stories)].pk)
                if flush_every and read % flush_every == 0:
                    flush_read_counts()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=reader, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_concurrent_reads_and_flushes_lose_and_double_nothing():
    stories = [ArticleFactory() for _ in range(3)]

    hammer(stories, flush_every=20)
    flush_read_counts()

    assert total_views() == THREADS * READS_PER_THREAD
    assert ArticleDailyViews.objects.count() == 3


def test_reads_arriving_during_a_flush_wait_for_the_next_one(monkeypatch):
    story = ArticleFactory()
    for _ in range(4):
        buffer.record_read(story.pk)
    original = services._add_daily_views

    def write_while_readers_keep_reading(counts):
        for _ in range(3):
            buffer.record_read(story.pk)
        original(counts)

    monkeypatch.setattr(services, "_add_daily_views", write_while_readers_keep_reading)
    assert flush_read_counts() == 4
    monkeypatch.setattr(services, "_add_daily_views", original)
    assert flush_read_counts() == 3

    assert total_views(story) == 7


def test_a_failed_database_write_puts_the_reads_back(monkeypatch):
    story = ArticleFactory()
    for _ in range(5):
        buffer.record_read(story.pk)

    def broken(counts):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_add_daily_views", broken)
    with pytest.raises(RuntimeError):
        flush_read_counts()
    monkeypatch.undo()

    assert flush_read_counts() == 5
    assert total_views(story) == 5


def test_only_one_flush_runs_at_a_time():
    story = ArticleFactory()
    buffer.record_read(story.pk)
    cache.add(services.FLUSH_LOCK_KEY, 1)  # another process is flushing

    assert flush_read_counts() == 0
    cache.delete(services.FLUSH_LOCK_KEY)
    assert flush_read_counts() == 1


def test_reads_are_counted_on_the_day_they_happen():
    story = ArticleFactory(publish_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate()
    buffer.record_read(story.pk, day=today - timedelta(days=1))
    buffer.record_read(story.pk, day=today - timedelta(days=1))
    buffer.record_read(story.pk, day=today)

    flush_read_counts()

    assert dict(ArticleDailyViews.objects.values_list("day", "views")) == {
        today - timedelta(days=1): 2,
        today: 1,
    }


def test_later_flushes_add_to_the_same_row():
    story = ArticleFactory()
    for batch in (3, 4):
        for _ in range(batch):
            buffer.record_read(story.pk)
        flush_read_counts()

    row = ArticleDailyViews.objects.get()
    assert (row.article_id, row.views) == (story.pk, 7)


def test_reads_of_a_deleted_story_are_dropped():
    kept, deleted = ArticleFactory(), ArticleFactory()
    buffer.record_read(kept.pk)
    buffer.record_read(deleted.pk)
    deleted.delete()

    assert flush_read_counts() == 2
    assert list(ArticleDailyViews.objects.values_list("article_id", "views")) == [(kept.pk, 1)]


def test_management_command_flushes():
    story = ArticleFactory()
    buffer.record_read(story.pk)
    buffer.record_read(story.pk)
    out = StringIO()

    call_command("flush_read_counts", stdout=out)

    assert out.getvalue().strip() == "Flushed 2 reads."
    assert total_views(story) == 2


def test_a_shared_cache_keeps_one_flush_task_queued(monkeypatch):
    monkeypatch.setattr(services, "cache_is_process_local", lambda: False)

    services.schedule_flush()
    services.schedule_flush()
    services.schedule_flush()

    task = DBTaskResult.objects.get()
    assert task.task_path == "popularity.tasks.flush_read_counts_task"
    assert task.run_after > timezone.now()


def test_the_flush_task_flushes_and_frees_the_schedule():
    from popularity.tasks import flush_read_counts_task

    story = ArticleFactory()
    buffer.record_read(story.pk)
    cache.add(services.FLUSH_SCHEDULED_KEY, 1)

    assert flush_read_counts_task.call() == 1
    assert cache.get(services.FLUSH_SCHEDULED_KEY) is None
    assert total_views(story) == 1


REDIS_PREFIX = f"newsroom-test-{os.getpid()}"
# Another app server: a separate process recording reads into the same Redis.
OTHER_SERVER = """
import os, sys, django
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": sys.argv[1]}}
django.setup()
from popularity import buffer
for _ in range(int(sys.argv[3])):
    buffer.record_read(int(sys.argv[2]))
"""


def delete_test_keys():
    # Only this run's keys: cache.clear() would empty the whole Redis database.
    client = cache._cache.get_client(None, write=True)
    for key in client.scan_iter(match=f"{REDIS_PREFIX}:*"):
        client.delete(key)


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis (CI's REDIS_URL) under a prefix of this run's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    delete_test_keys()
    yield cache
    delete_test_keys()


@pytest.mark.redis
def test_redis_counts_are_exact_across_threads_and_flushes(redis_cache):
    assert not services.cache_is_process_local()
    stories = [ArticleFactory() for _ in range(3)]

    hammer(stories, flush_every=25)
    flush_read_counts()

    assert total_views() == THREADS * READS_PER_THREAD
    for story in stories:
        assert ArticleDailyViews.objects.get(article=story).views == total_views(story)


@pytest.mark.redis
def test_what_other_servers_count_in_redis_is_flushed_here(redis_cache):
    story = ArticleFactory()
    buffer.record_read(story.pk)
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", OTHER_SERVER, REDIS_PREFIX, str(story.pk), "20"],
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        )

    assert flush_read_counts() == 41
    assert total_views(story) == 41
