"""Data shared by many pages, built once per generation and lifetime (like a cached page).

    featured, picks = cached_fragment("rail-curation", build_rail_curation)

Keyed by the generation, so whatever retires cached pages retires these too, and kept no
longer than a page would be, so a scheduled story still shows up on time. With
PAGE_CACHE_FRAGMENTS off `build` runs every time.

The process also keeps the value it read (pagecache.local): unpickling a few dozen model
instances from the cache on every request cost more than a query. Callers treat the value
as read-only, since the requests of this process share it. Previews and signed-in staff
(pagecache.private) build their own and keep nothing.
"""

import time

from django.conf import settings
from django.core.cache import cache

from .local import copies
from .private import is_private
from .state import state_for


def cached_fragment(name, build, request=None):
    if not settings.PAGE_CACHE_FRAGMENTS or is_private(request):
        return build()
    state = state_for(request)
    return kept(f"pagecache:fragment:{state.generation}:{name}", state, build)


def kept(key, state, build):
    """The value under `key` (which names the generation): this process's copy, else the
    shared one, else `build()` stored in both for the copy's lifetime under `state`."""
    value = copies.get(key)
    if value is not None:
        return value
    entry = cache.get(key)
    if entry is not None and entry[0] > time.time():
        copies.put(key, entry[0], entry[1])
        return entry[1]
    value = build()
    if state.lifetime > 0:
        cache.set(key, (state.expires_at, value), state.timeout)
        copies.put(key, state.expires_at, value)
    return value
