"""Fixed-window rate limits counted in the cache (Redis in production, shared by all servers).

Why not django-ratelimit: our keys are computed after validation (a normalised email
address, a client IP that honours only trusted proxies), the caller decides what a refusal
looks like, and the whole mechanism is the twenty lines below.

    limit = RateLimit("signup-ip", "20/h")
    if not limit.hit(ip):
        ...  # refuse politely

Rates are "<count>/<unit>" with unit s, m, h or d (optionally a number: "5/10m").

When the cache is unreachable (core.cache.ResilientRedisCache says so) nothing can be
counted: a limit then refuses (fail closed), unless it was made with `fail_open=True`, which
only the signup limits are (double opt-in protects signups; docs/security.md).

A value that is an IP address is counted by core.clientip.network_of(): an IPv6 client's
whole /64 is one bucket, whichever caller passes it, so no limit can forget it.
"""

import hashlib
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

from core.clientip import network_of

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """(count, window seconds) from "20/h", "5/10m"..."""
    match = _RATE.match(rate or "")
    if not match:
        raise ValueError(f"Rate {rate!r} is not like '20/h' or '5/10m'")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNITS[unit]


@dataclass(frozen=True)
class RateLimit:
    name: str
    rate: str
    # What an unreachable cache answers: refuse (False) or let the attempt through (True).
    fail_open: bool = False

    def _key(self, value: str, window: int, now: float) -> str:
        # Hashed: cache keys must be short and must not store addresses in the clear.
        bucket = network_of(str(value))
        digest = hashlib.sha256(bucket.encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{int(now // window)}:{digest}"

    def hit(self, value: str | None) -> bool:
        """Count one attempt for `value`; False once it is over the limit in this window."""
        if value is None:
            return True
        limit, window = parse_rate(self.rate)
        key = self._key(value, window, time.time())
        # add() is atomic and sets the expiry once; incr() is atomic in Redis and locmem.
        if cache.add(key, 1, timeout=window + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window + 1)
                count = 1
        if not getattr(cache, "available", True):
            return self.fail_open
        return count <= limit

    def reset(self, value: str) -> None:
        limit, window = parse_rate(self.rate)
        cache.delete(self._key(value, window, time.time()))
