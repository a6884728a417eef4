"""A friendly 503 when the database is down or a statement ran past its bound.

Django's `handler500` runs for an exception raised anywhere in a request (view or
middleware). When that exception is the database's (it refused the connection, the
connect timeout passed, statement_timeout cancelled a query stuck behind a lock), the reader
gets a 503 with Retry-After and a page that queries nothing, rather than "something went
wrong": the outage is temporary, and nginx (`proxy_cache_use_stale ... http_503`) serves the
stale copy it holds instead, where it has one. Any other exception is Django's plain 500.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

# Seconds a client (or a crawler) is asked to wait before trying again.
RETRY_AFTER = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(error: BaseException | None) -> bool:
    """A database that is unreachable or timed out, not a bug in a query."""
    while error is not None:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        if isinstance(error, DatabaseError):
            return False
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error_or_outage(request, template_name="500.html"):
    if not is_outage(sys.exc_info()[1]):
        return server_error(request, template_name)
    try:
        body = loader.get_template("503.html").render()
    except Exception:  # noqa: BLE001 - the page must go out even if the template cannot
        body = "<h1>Back in a moment</h1><p>Please try again in a minute.</p>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
