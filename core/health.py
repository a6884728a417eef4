"""Liveness and readiness: `/healthz` for load balancers, `/readyz` for monitoring.

`/healthz` answers 200 whenever this process answers at all, and touches nothing else. A
balancer takes a server out of rotation when it fails, so it must not fail for a reason all
servers share: with Redis down every server would be taken out at once, exactly when readers
could still be served from the database (and nginx's stale copies).

`/readyz` asks each dependency (database, cache, task queue, media storage) and answers 200
with {"status": "ok", "checks": {...}} when all answer, 503 naming the failing one otherwise.
Only the error's class is shown: the answer is public. Every check is bounded by the
connect and read timeouts in settings (DATABASE_CONNECT_TIMEOUT, CACHE_SOCKET_TIMEOUT...).
"""

import os
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # core.cache.ResilientRedisCache hides outages from callers; ping() does not.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
        return
    # A write and a read: a cache that accepts connections but refuses writes is not ready.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("value not read back")
    cache.delete(key)


def check_task_queue():
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq."):
        import django_rq

        django_rq.get_connection("default").ping()
    elif backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        # The queue's table answers (a missing migration or a locked table fails here).
        DBTaskResult.objects.ready().values_list("id", flat=True).first()


def check_storage():
    if settings.MEDIA_STORAGE == "local":
        root = str(settings.MEDIA_ROOT)
        if not os.path.isdir(root) or not os.access(root, os.W_OK | os.X_OK):
            raise PermissionError("MEDIA_ROOT is not a writable folder")
        return
    # S3 and the like: a HEAD of a name that need not exist proves the bucket answers.
    default_storage.exists(".readyz")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_task_queue,
    "storage": check_storage,
}


@never_cache
def healthz(request):
    """Liveness: the process answers. Nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    results, took = {}, {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # noqa: BLE001 - whatever broke, the dependency is down
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
        took[name] = round((time.monotonic() - started) * 1000, 1)
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": results, "milliseconds": took},
        status=200 if ready else 503,
    )
