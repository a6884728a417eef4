"""What every cached page and fragment is keyed by and how long it may live.

The *generation* is a random token in the shared cache: page and fragment keys include it, so
replacing it (`invalidate_pages()`) retires every cached copy at once, on every app server
that shares the cache, without listing or deleting keys. A random token rather than a counter:
if the cache loses the key (eviction, restart), the fresh token can never match old entries.

The *lifetime* of anything cached now is the smaller of `PAGE_CACHE_STALE_SECONDS` (the bound
for changes the app cannot see: raw SQL, `QuerySet.update()`, a per-process cache on another
server) and the time left until the next scheduled story goes live, which no signal announces.
"""

import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "pagecache:generation"
NEXT_PUBLISH_KEY = "pagecache:next-publish"
# How long the next-publish answer may be kept; the generation retires it sooner.
NEXT_PUBLISH_TIMEOUT = 60 * 60
# Below this, storing a copy costs more than it could save.
MIN_LIFETIME = 0.05


def new_generation():
    """ "<when>:<random>": the time doubles as the pages' Last-Modified (see CacheState)."""
    return f"{time.time():.3f}:{uuid.uuid4().hex[:12]}"


def bump_generation():
    """Retire every cached page and fragment now (use `invalidate_pages()` inside a write)."""
    cache.set(GENERATION_KEY, new_generation(), None)


def caching_enabled():
    """Whether anything is kept that a change must retire (pages or shared fragments)."""
    return settings.PAGE_CACHE_ENABLED or settings.PAGE_CACHE_FRAGMENTS


def invalidate_pages():
    """Retire cached pages once the current transaction commits (at once outside one).

    After the commit, not before: a request that rendered from the old rows while the
    transaction was open must not store its copy under the new generation.
    """
    if caching_enabled():
        transaction.on_commit(bump_generation)


def next_publish_at(now):
    """Timestamp of the next public story whose time has not come, or None."""
    from articles.models import Article

    moment = (
        Article.objects.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            publish_at__gt=datetime.fromtimestamp(now, tz=UTC),
        )
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return moment.timestamp() if moment else None


@dataclass(frozen=True)
class CacheState:
    generation: str
    # Absolute time (time.time()) after which a copy made now must not be served.
    expires_at: float
    # No earlier than the last change readers can see: the generation began then, or a
    # scheduled story went live since.
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


# The generation this process saw last: a page lookup guesses it to fetch the page in the
# same round trip as the generation itself (one Redis call per cached page, not two).
_last_seen = {"generation": None}


def last_seen_generation():
    """The generation this process read last (None before the first read): a guess only."""
    return _last_seen["generation"]


def current_state():
    """The generation and the expiry of a copy made now: one cache round trip, plus one
    indexed query after each generation change or scheduled publish time."""
    return current_state_with(None)[0]


def state_for(request):
    """`current_state()`, read once per request and kept on it: the page-cache lookup, the
    shared blocks and fragments of one page then cost one read of the generation between
    them. Without a request (a command, a test calling a tag), read now."""
    if request is None:
        return current_state()
    state = getattr(request, "_pagecache_state", None)
    if state is None:
        state = current_state()
        request._pagecache_state = state
    return state


def current_state_with(keys_for):
    """`current_state()`, plus the entries `keys_for(generation)` names, fetched in the same
    round trip: a dict of those found if the generation was the one this process saw last,
    else None (the caller then asks again with the right generation)."""
    now = time.time()
    guess = _last_seen["generation"]
    extra = list(keys_for(guess)) if keys_for and guess else []
    found = cache.get_many([GENERATION_KEY, NEXT_PUBLISH_KEY, *extra])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, new_generation(), None)
        generation = cache.get(GENERATION_KEY)
    _last_seen["generation"] = generation
    generation_began = float(generation.split(":", 1)[0])
    schedule = found.get(NEXT_PUBLISH_KEY)
    if schedule is None or schedule["generation"] != generation:
        schedule = {"generation": generation, "at": next_publish_at(now), "passed": 0.0}
        cache.set(NEXT_PUBLISH_KEY, schedule, NEXT_PUBLISH_TIMEOUT)
    elif schedule["at"] is not None and schedule["at"] <= now:
        # A scheduled story has just gone live: no signal said so, but pages changed.
        schedule = {"generation": generation, "at": next_publish_at(now), "passed": schedule["at"]}
        cache.set(NEXT_PUBLISH_KEY, schedule, NEXT_PUBLISH_TIMEOUT)
    expires_at = now + settings.PAGE_CACHE_STALE_SECONDS
    if schedule["at"] is not None:
        expires_at = min(expires_at, schedule["at"])
    state = CacheState(
        generation=generation,
        expires_at=expires_at,
        changed_at=max(generation_began, schedule["passed"]),
        read_at=now,
    )
    if not keys_for or generation != guess:
        return state, None
    return state, {key: found[key] for key in extra if key in found}
