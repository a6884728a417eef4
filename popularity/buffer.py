"""Story reads counted in the cache, so a page view never writes to the database.

Keys, per day of the outlet's calendar (all expire after BUFFER_DAYS):

    popularity:reads:20261125:42      reads of story 42 not yet flushed (a counter)
    popularity:index:20261125:size    how many stories were read that day (a counter)
    popularity:index:20261125:7       the 7th story read that day: 42

`incr()` is atomic in Redis and in the local-memory cache, so counting is exact with several
processes sharing Redis. The index lets a flush find every counter without scanning keys
(the cache API has no key listing). Taking a count out of the buffer is an atomic
`decr(key, n)` of exactly what was read, so reads that arrive during a flush stay in the
buffer for the next one: nothing is lost or counted twice.
"""

from datetime import date, timedelta

from django.core.cache import cache
from django.utils import timezone

BUFFER_DAYS = 3
BUFFER_TIMEOUT = BUFFER_DAYS * 24 * 3600


def _day_tag(day: date) -> str:
    return day.strftime("%Y%m%d")


def count_key(day: date, article_id: int) -> str:
    return f"popularity:reads:{_day_tag(day)}:{article_id}"


def _index_size_key(day: date) -> str:
    return f"popularity:index:{_day_tag(day)}:size"


def _index_slot_key(day: date, slot: int) -> str:
    return f"popularity:index:{_day_tag(day)}:{slot}"


def _incr_or_add(key: str) -> tuple[int, bool]:
    """Add one to a counter; (new value, whether this call created it)."""
    if cache.add(key, 1, timeout=BUFFER_TIMEOUT):
        return 1, True
    try:
        return cache.incr(key), False
    except ValueError:  # expired or evicted between add() and incr()
        if cache.add(key, 1, timeout=BUFFER_TIMEOUT):
            return 1, True
        return cache.incr(key), False


def record_read(article_id: int, *, day: date | None = None) -> None:
    day = day or timezone.localdate()
    _, created = _incr_or_add(count_key(day, article_id))
    if created:
        # First read of this story today: remember where its counter is.
        slot, _ = _incr_or_add(_index_size_key(day))
        cache.set(_index_slot_key(day, slot), article_id, timeout=BUFFER_TIMEOUT)


def buffered_days(today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    return [today - timedelta(days=offset) for offset in range(BUFFER_DAYS)]


def buffered_counts(day: date) -> dict[str, tuple[int, int]]:
    """{counter key: (article id, unflushed reads)} for one day's counters above zero."""
    size = cache.get(_index_size_key(day)) or 0
    if not size:
        return {}
    slots = cache.get_many([_index_slot_key(day, slot) for slot in range(1, size + 1)])
    keys = {count_key(day, article_id): article_id for article_id in set(slots.values())}
    values = cache.get_many(list(keys))
    return {key: (keys[key], value) for key, value in values.items() if value and value > 0}


def take(key: str, reads: int) -> bool:
    """Remove exactly `reads` from a counter; False if the counter is gone."""
    try:
        cache.decr(key, reads)
    except ValueError:
        return False
    return True


def give_back(key: str, reads: int) -> None:
    """Undo `take()` when the database write failed, so the reads wait for the next flush."""
    try:
        cache.incr(key, reads)
    except ValueError:
        cache.add(key, reads, timeout=BUFFER_TIMEOUT)
