"""`/healthz` for load balancers: can this app server reach its database and its cache?

200 with {"status": "ok", ...} when both answer, 503 naming the failing one otherwise, so a
balancer takes the server out of rotation instead of sending readers to it. Only the error's
class is shown: the answer is public.
"""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # A write and a read: a Redis that accepts connections but refuses writes is not healthy.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("value not read back")
    cache.delete(key)


CHECKS = {"database": check_database, "cache": check_cache}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - whatever broke, the server is not healthy
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
