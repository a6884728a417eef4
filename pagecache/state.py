"""The generation: what every cached page, block and piece of data is keyed by, and how long
a copy made now may live.

The generation is one record in the shared cache: a random token, the time readers' pages
last changed, and the next time a row becomes public by its clock alone (a scheduled story).
Every key names the token, so replacing it (`invalidate_pages()`, after commit) retires every
copy at once on every server sharing the cache, without listing keys. A random token rather
than a counter: if the cache loses the record, the new token can never match old entries.

A copy made now lives until the earlier of PAGE_CACHE_STALE_SECONDS (the bound for changes no
signal reports: raw SQL, `QuerySet.update()`, a per-process cache on another server) and the
next scheduled time, which the app that schedules rows tells pagecache through
`schedule_from()` (pagecache imports no other app). When that time passes, the next reader
rewrites the record with the following one: one indexed query per scheduled moment, none per
request.
"""

import contextvars
import math
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "pagecache:generation"
# Below this, storing a copy costs more than it could save.
MIN_LIFETIME = 0.05

# Functions returning the next time (a timestamp) something becomes public by its clock
# alone, or None; registered by the apps that schedule rows (articles: stories).
_schedules = []


def schedule_from(next_public_at):
    """Register `next_public_at(now: float) -> float | None` (call it in AppConfig.ready())."""
    if next_public_at not in _schedules:
        _schedules.append(next_public_at)


def next_scheduled(now):
    moments = [moment for moment in (find(now) for find in _schedules) if moment is not None]
    return min(moments, default=None)


def caching_enabled():
    """Whether anything is kept that a change must retire (pages, blocks or data)."""
    return settings.PAGE_CACHE_ENABLED or settings.PAGE_CACHE_FRAGMENTS


def new_generation(now, changed_at):
    """The record: (token, when readers' pages last changed, next scheduled time or None)."""
    return (uuid.uuid4().hex[:16], changed_at, next_scheduled(now))


def bump_generation():
    """Retire every cached page, block and piece of data now (inside a write, use
    `invalidate_pages()`)."""
    now = time.time()
    cache.set(GENERATION_KEY, new_generation(now, now), None)


def invalidate_pages():
    """Retire everything cached once the current transaction commits (at once outside one).

    After the commit, not before: a request that rendered from the old rows while the
    transaction was open must not store its copy under the new generation.
    """
    if caching_enabled():
        transaction.on_commit(bump_generation)


@dataclass(frozen=True)
class CacheState:
    generation: str
    # Absolute time (time.time()) after which a copy made now must not be served.
    expires_at: float
    # No earlier than the last change readers can see.
    changed_at: float
    # When this state was read.
    read_at: float

    @property
    def last_modified(self):
        """Whole-second Last-Modified for pages made now, or None within a second of a
        change: HTTP dates have no fractions, so a copy made then and one made after a
        second change in the same second would carry the same date (RFC 9110, 8.8.2.2)."""
        if self.read_at - self.changed_at < 1:
            return None
        return math.floor(self.changed_at) + 1

    @property
    def lifetime(self):
        return self.expires_at - time.time()

    @property
    def timeout(self):
        """Whole seconds for the cache backend; expiry itself is checked against expires_at."""
        return max(1, math.ceil(self.lifetime)) + 1


def current_state():
    """The generation and the expiry of a copy made now: one cache read."""
    now = time.time()
    record = cache.get(GENERATION_KEY)
    if record is None:
        cache.add(GENERATION_KEY, new_generation(now, now), None)
        record = cache.get(GENERATION_KEY)
    if record is None:
        # The cache is unreachable (core.cache): a generation nobody shares finds nothing,
        # so the page is built from the database.
        record = new_generation(now, now)
    token, changed_at, next_at = record
    if next_at is not None and next_at <= now:
        # A scheduled row has just become public: no signal said so, but pages changed.
        # Every copy made before has expired (none outlives next_at), so a new token costs
        # nothing, and unlike the old one it cannot undo a bump that raced this write.
        record = new_generation(now, next_at)
        cache.set(GENERATION_KEY, record, None)
        token, changed_at, next_at = record
    expires_at = now + settings.PAGE_CACHE_STALE_SECONDS
    if next_at is not None:
        expires_at = min(expires_at, next_at)
    return CacheState(generation=token, expires_at=expires_at, changed_at=changed_at, read_at=now)


# What a value is being built under (pagecache.store.kept): a CacheState, so data a block's
# template reads through a tag (which has no request) is kept under the block's generation,
# or PRIVATE, so a block rendered for a private request reads nothing shared either.
building_under = contextvars.ContextVar("pagecache_building_under", default=None)
PRIVATE = "private"


def state_for(request):
    """`current_state()`, read once per request and kept on it: the page lookup and the
    page's blocks and data share one read. Without a request: the state of the block being
    built, else read now (a command)."""
    if request is None:
        under = building_under.get()
        return under if isinstance(under, CacheState) else current_state()
    state = getattr(request, "_pagecache_state", None)
    if state is None:
        state = current_state()
        request._pagecache_state = state
    return state
