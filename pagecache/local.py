"""The last copies this process read from (or wrote to) the shared cache, kept in memory.

Every key the page cache uses names the generation (pagecache.state), and every entry
carries the time it expires, so a copy kept here is exactly as fresh as the shared one: a
publish on any server changes the generation, which each request still reads from the
shared cache, and the old keys are simply never asked for again. What this saves is the
transfer and unpickling of the same pages and blocks on every request (with Redis, a round
trip per block). Least recently used copies go first past PAGE_CACHE_LOCAL_ENTRIES.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings


class LocalCopies:
    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value stored under `key` while it has not expired, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

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
