"""Counting story reads and ranking the most read stories.

    record_read_if_public(article_id)   a beacon: one cache increment, no database write
    flush_read_counts()                 buffered counts → ArticleDailyViews, in batches
    most_read(days=7, limit=5)          the top stories of the last days

Flushes are triggered three ways: by `maybe_flush()` in the beacon (every FLUSH_EVERY beacons
or FLUSH_SECONDS in the process that counts, the only way with the local-memory cache, which
other processes cannot see); by a periodic task chain when the cache is shared (Redis); and by
`manage.py flush_read_counts` (cron, deploys). A lock in the cache keeps flushes one at a time.
"""

import atexit
import logging
import threading
import time
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.utils import timezone

from articles.models import Article
from core import outbox

from . import buffer
from .models import ArticleDailyViews

logger = logging.getLogger(__name__)

FLUSH_LOCK_KEY = "popularity:flush-lock"
FLUSH_LOCK_SECONDS = 120
FLUSH_SCHEDULED_KEY = "popularity:flush-scheduled"
SCHEDULE_RETRY_SECONDS = 3600
PUBLIC_FLAG_SECONDS = 300
UPDATE_CHUNK = 500

_process_lock = threading.Lock()
_process_state = {"beacons": 0, "last_flush": time.monotonic(), "atexit": False}


def _public_key(article_id: int) -> str:
    return f"popularity:public:{article_id}"


def is_public(article_id: int) -> bool:
    """Whether readers may see the story, cached briefly: beacons cost no query most times."""
    cached = cache.get(_public_key(article_id))
    if cached is None:
        cached = Article.objects.published().filter(pk=article_id).exists()
        cache.set(_public_key(article_id), cached, PUBLIC_FLAG_SECONDS)
    return cached


def record_read_if_public(article_id: int) -> bool:
    """Count one read of a story readers may see; drafts and unknown ids are ignored."""
    if not is_public(article_id):
        return False
    buffer.record_read(article_id)
    return True


def cache_is_process_local() -> bool:
    return isinstance(cache, LocMemCache)


def maybe_flush() -> None:
    """After a beacon: flush when this process is due, or make sure a flush is scheduled."""
    if not cache_is_process_local():
        schedule_flush()
    with _process_lock:
        _process_state["beacons"] += 1
        due = (
            _process_state["beacons"] >= settings.READ_COUNT_FLUSH_EVERY
            or time.monotonic() - _process_state["last_flush"] >= settings.READ_COUNT_FLUSH_SECONDS
        )
        if due:
            _process_state["beacons"] = 0
            _process_state["last_flush"] = time.monotonic()
        if cache_is_process_local() and not _process_state["atexit"]:
            # A process shut down cleanly hands its buffer over; only a killed one loses it.
            atexit.register(_flush_at_exit)
            _process_state["atexit"] = True
    if due:
        flush_read_counts()


def _flush_at_exit() -> None:
    try:
        flush_read_counts()
    except Exception:  # noqa: BLE001 - the database may already be gone at exit
        logger.exception("Could not flush read counts at exit")


def schedule_flush() -> None:
    """Keep one periodic flush task queued (shared caches only: a worker can see the buffer).

    `cache.add` succeeds for one process per interval, so this writes one task row per
    interval at most, never one per page view.
    """
    from .tasks import flush_read_counts_task

    interval = settings.READ_COUNT_FLUSH_SECONDS
    # The task deletes the key when it runs; with no worker running, the key's long life
    # keeps unrun tasks from piling up (one an hour at most).
    if cache.add(FLUSH_SCHEDULED_KEY, 1, timeout=max(interval * 2, SCHEDULE_RETRY_SECONDS)):
        run_after = timezone.now() + timedelta(seconds=interval)
        # Through the task outbox: with RQ's Redis down the beacon still answers, and the
        # flush reaches the queue once it is back (core.outbox).
        outbox.enqueue_on_commit(flush_read_counts_task, run_after=run_after)


def flush_read_counts() -> int:
    """Move buffered reads into ArticleDailyViews; returns how many reads were moved.

    Each counter is decremented by exactly what was read from it, so reads arriving
    meanwhile wait for the next flush. If the database write fails, the reads go back.
    """
    if not cache.add(FLUSH_LOCK_KEY, 1, timeout=FLUSH_LOCK_SECONDS):
        return 0  # another process is flushing
    taken: dict[str, tuple[int, date, int]] = {}
    try:
        for day in buffer.buffered_days():
            for key, (article_id, reads) in buffer.buffered_counts(day).items():
                if buffer.take(key, reads):
                    taken[key] = (article_id, day, reads)
        if taken:
            try:
                _add_daily_views(taken.values())
            except Exception:
                for key, (_, _, reads) in taken.items():
                    buffer.give_back(key, reads)
                raise
    finally:
        cache.delete(FLUSH_LOCK_KEY)
    return sum(reads for _, _, reads in taken.values())


@transaction.atomic
def _add_daily_views(counts) -> None:
    by_day: dict[date, dict[int, int]] = defaultdict(dict)
    for article_id, day, reads in counts:
        by_day[day][article_id] = by_day[day].get(article_id, 0) + reads
    article_ids = {article_id for day_counts in by_day.values() for article_id in day_counts}
    # A story deleted since it was read has nothing to count against.
    existing = set(Article.objects.filter(pk__in=article_ids).values_list("pk", flat=True))
    for day, day_counts in by_day.items():
        day_counts = {pk: reads for pk, reads in day_counts.items() if pk in existing}
        ids = sorted(day_counts)
        for start in range(0, len(ids), UPDATE_CHUNK):
            chunk = ids[start : start + UPDATE_CHUNK]
            ArticleDailyViews.objects.bulk_create(
                [ArticleDailyViews(article_id=pk, day=day, views=0) for pk in chunk],
                ignore_conflicts=True,
            )
            # One UPDATE adds every story's reads: views = views + CASE article_id ... END.
            ArticleDailyViews.objects.filter(day=day, article_id__in=chunk).update(
                views=F("views")
                + Case(
                    *[When(article_id=pk, then=Value(day_counts[pk])) for pk in chunk],
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )


def most_read(*, days: int | None = None, limit: int | None = None):
    """Published stories with the most reads over the last `days` days (today included)."""
    days = days or settings.MOST_POPULAR_DAYS
    limit = limit or settings.MOST_POPULAR_COUNT
    since = timezone.localdate() - timedelta(days=days - 1)
    return (
        Article.objects.published()
        .filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__views"))
        .filter(recent_views__gt=0)
        .select_related("section")
        .order_by("-recent_views", "-publish_at", "-pk")[:limit]
    )
