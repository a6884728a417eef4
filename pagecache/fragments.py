"""Data shared by many pages, built once per generation and lifetime (like a cached page).

    featured, picks = cached_fragment("rail-curation", build_rail_curation)

Keyed by the generation, so whatever retires cached pages retires these too, and kept no
longer than a page would be, so a scheduled story still shows up on time. With
PAGE_CACHE_FRAGMENTS off `build` runs every time.
"""

import time

from django.conf import settings
from django.core.cache import cache

from .state import current_state


def cached_fragment(name, build):
    if not settings.PAGE_CACHE_FRAGMENTS:
        return build()
    state = current_state()
    key = f"pagecache:fragment:{state.generation}:{name}"
    entry = cache.get(key)
    if entry is not None and entry[0] > time.time():
        return entry[1]
    value = build()
    if state.lifetime > 0:
        cache.set(key, (state.expires_at, value), state.timeout)
    return value
