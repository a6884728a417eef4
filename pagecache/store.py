"""Keeping a value on the generation: the one store behind cached pages (middleware.py),
shared blocks (blocks.py) and shared data (`cached()`).

    featured, picks, feed = cached("story-rail", rail_candidates, request=request)

A value is kept under a key naming the generation, with the time it expires (the state's
lifetime, pagecache.state): whatever retires pages retires it too, and nothing outlives a
scheduled story's moment. The shared cache (Redis in production) holds it for every server;
this process keeps the values it read or wrote (LocalCopies), so a hot page or block is not
fetched and unpickled again on every request. A local copy is never staler than the shared
one: each request still reads the generation, and the copy carries its expiry.

Callers treat a value as read-only (the requests of this process share it). A private
request (a preview, signed-in staff: pagecache.private) and a run with PAGE_CACHE_FRAGMENTS
off build their own and keep nothing.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

from .private import is_private
from .state import MIN_LIFETIME, PRIVATE, building_under, state_for


class LocalCopies:
    """The last values this process read or wrote, least recently used dropped first past
    PAGE_CACHE_LOCAL_ENTRIES (0 keeps none)."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The entry (expires_at, value) under `key` while it has not expired, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, expires_at, value):
        limit = settings.PAGE_CACHE_LOCAL_ENTRIES
        if limit <= 0:
            return
        with self._lock:
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


copies = LocalCopies()


def key_for(kind, name, state):
    """Every key names the generation: a new one leaves the old keys unasked for."""
    return f"pagecache:{kind}:{state.generation}:{name}"


def fetch(key):
    """The unexpired entry (expires_at, value) under `key`: this process's copy, else the
    shared one, else None."""
    entry = copies.get(key)
    if entry is not None:
        return entry
    entry = cache.get(key)
    if entry is None or entry[0] <= time.time():
        return None
    copies.put(key, *entry)
    return entry


def store(key, state, value):
    """Keep `value` for the lifetime of a copy made under `state`; False when that is too
    short to pay off, and nothing is kept."""
    if state.lifetime <= MIN_LIFETIME:
        return False
    cache.set(key, (state.expires_at, value), state.timeout)
    copies.put(key, state.expires_at, value)
    return True


def kept(kind, name, build, request):
    """The value kept under (kind, name) for this generation, else `build()`, kept."""
    if not settings.PAGE_CACHE_FRAGMENTS:
        return build()
    if is_private(request) or building_under.get() is PRIVATE:
        return built_under(PRIVATE, build)
    state = state_for(request)
    key = key_for(kind, name, state)
    entry = fetch(key)
    if entry is not None:
        return entry[1]
    value = built_under(state, build)
    store(key, state, value)
    return value


def built_under(under, build):
    token = building_under.set(under)
    try:
        return build()
    finally:
        building_under.reset(token)


def cached(name, build, *, request=None):
    """Data many pages show (`build()`'s result, e.g. a list of rows), built once per
    generation and lifetime. `name` must say everything the data depends on. The request, if
    any, only lends the generation it read and says whether it is private."""
    return kept("data", name, build, request)
