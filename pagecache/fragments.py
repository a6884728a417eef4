"""Data shared by many pages, built once per generation and lifetime (like a cached page).

    featured, picks = cached_fragment("rail-curation", build_rail_curation)

Keyed by the generation, so whatever retires cached pages retires these too, and kept no
longer than a page would be, so a scheduled story still shows up on time. With
PAGE_CACHE_FRAGMENTS off `build` runs every time.

Each process also keeps the last value it read of each fragment, under the same key and
expiry: unpickling a few dozen model instances from the cache on every request cost more
than a query. The generation is still read from the shared cache each time, so a change
made through another server retires the local copy as quickly as the shared one. Callers
treat the value as read-only (it is shared by the requests of this process).
"""

import time

from django.conf import settings
from django.core.cache import cache

from .state import current_state

# name -> (key, expires_at, value): one entry per fragment name, so at most a handful.
_local: dict[str, tuple[str, float, object]] = {}


def cached_fragment(name, build):
    if not settings.PAGE_CACHE_FRAGMENTS:
        return build()
    state = current_state()
    key = f"pagecache:fragment:{state.generation}:{name}"
    now = time.time()
    local = _local.get(name)
    if local is not None and local[0] == key and local[1] > now:
        return local[2]
    entry = cache.get(key)
    if entry is not None and entry[0] > now:
        _local[name] = (key, entry[0], entry[1])
        return entry[1]
    value = build()
    if state.lifetime > 0:
        cache.set(key, (state.expires_at, value), state.timeout)
        _local[name] = (key, state.expires_at, value)
    return value
