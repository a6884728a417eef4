"""A Redis cache whose outage readers never see.

Everything Newsroom keeps in Redis can be rebuilt or done without: cached pages and blocks
(pagecache), cached sessions (kept in the database too), buffered read counts, rate-limit
counters. So when Redis is stopped, hung or unreachable, `ResilientRedisCache` answers like a
cache that holds nothing, instead of raising `redis.ConnectionError` into a reader's page:

- get / get_many / has_key find nothing; set / add / touch / delete store nothing (add()
  answers False, so a lock taken with it is never believed taken; incr()/decr() raise
  ValueError, Django's "no such key").
- After one failure, the process skips Redis for CACHE_RETRY_SECONDS (a circuit breaker):
  a page that asks the cache ten times costs one connect timeout, not ten.
- `available` says whether the last call reached Redis, for callers that must decide what an
  outage means (core.ratelimit: only the signup limits fail open).
- `ping()` reaches Redis or raises, whatever the breaker says (`/readyz`).

The connect and read timeouts (CACHE_CONNECT_TIMEOUT, CACHE_SOCKET_TIMEOUT, settings) bound
what one failure costs; a hung Redis never pins a worker longer than that.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)

# Per process and Redis location: when its breaker closes again. Shared by the threads of a
# process (Django makes a backend instance per thread).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)

    # --- the breaker ---------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return _down_until.get(self._location, 0.0) <= time.monotonic()

    def _failed(self, error):
        retry = getattr(settings, "CACHE_RETRY_SECONDS", 5)
        with _lock:
            was_up = self.available
            _down_until[self._location] = time.monotonic() + retry
        if was_up:
            logger.warning(
                "Cache unreachable (%s: %s); skipping it for %ss",
                type(error).__name__,
                error,
                retry,
            )

    def _call(self, method, fallback, *args, **kwargs):
        if not self.available:
            return fallback()
        try:
            return method(*args, **kwargs)
        except OUTAGE as error:
            self._failed(error)
            return fallback()

    def ping(self):
        """Reach Redis or raise (readiness checks); a success closes the breaker."""
        self._cache.get_client(write=False).ping()
        with _lock:
            _down_until.pop(self._location, None)

    # --- the cache API -------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, lambda: False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, lambda: None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, lambda: False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, lambda: None, keys, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache unreachable)")

        return self._call(super().incr, missing, key, delta, version)

    def clear(self):
        return self._call(super().clear, lambda: None)
