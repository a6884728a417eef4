"""Bounds on the database and the cache, applied by settings (docs/reliability.md): a
database that is down or a statement waiting on a lock fails a request within them with a
503 instead of pinning its worker; a stopped or hung Redis costs one short wait and is then
skipped for a while (core/cache.py)."""


def bound_database(database: dict, connect_timeout: float, statement_timeout: float) -> None:
    """PostgreSQL's connect_timeout and statement_timeout (seconds; 0 is none)."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    if connect_timeout:
        options.setdefault("connect_timeout", connect_timeout)
    if statement_timeout:
        statement = f"-c statement_timeout={int(statement_timeout * 1000)}"
        options["options"] = f"{options.get('options', '')} {statement}".strip()


def resilient_cache(cache: dict, connect_timeout: float, socket_timeout: float) -> None:
    """Redis through core.cache.ResilientRedisCache, with socket timeouts."""
    if cache["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return
    cache["BACKEND"] = "core.cache.ResilientRedisCache"
    options = cache.setdefault("OPTIONS", {})
    options.setdefault("socket_connect_timeout", connect_timeout)
    options.setdefault("socket_timeout", socket_timeout)
