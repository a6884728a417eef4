"""The audit log: `record(...)` writes one entry per security-relevant staff action.

Callers name the action and what it touched; who did it and from where come from the
request being served (AuditRequestMiddleware keeps it in a context variable), so a service
deep in a call stack, or a signal receiver for a change made in the admin, needs no request
passed down. Outside a request (commands, tasks) the actor is whoever the caller names, or
nobody: the entry then reads "system".

An entry is written in the caller's transaction: an action that rolls back leaves no entry.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from .models import AuditEntry

Action = AuditEntry.Action

_current_request = ContextVar("audit_request", default=None)


@contextmanager
def request_context(request):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def _client_ip(request) -> str | None:
    # The same address django-axes counts failures by (TRUSTED_PROXIES decide which one).
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def _signed_in(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(*, action: str, target="", actor=None, request=None, **details) -> AuditEntry:
    """Write one entry. `target` is the thing acted on (str() of it is kept, cut to 300)."""
    request = request if request is not None else _current_request.get()
    if actor is None and request is not None:
        actor = _signed_in(getattr(request, "user", None))
    actor = _signed_in(actor)
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        target=str(target)[:300],
        ip_address=_client_ip(request) if request is not None else None,
        details=details,
    )


def salted_hash(value: str) -> str:
    """A keyed hash of an address for the log: whoever holds the address and the site's key
    can check an entry against it; the entry alone gives nothing away."""
    return salted_hmac("core.audit.erasure", value.strip().lower()).hexdigest()
