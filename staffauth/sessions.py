"""Listing and ending a person's sessions (the StaffSession rows that name their keys)."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core import audit

from .models import StaffSession


def _store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _client_ip(request):
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def seen(request) -> None:
    """Note that this session is in use now (a row for it made if it has none: a password
    change, for one, gives the session a new key)."""
    if not request.session.session_key:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user_id": request.session[SESSION_KEY],
            "last_seen_at": timezone.now(),
            "ip_address": _client_ip(request),
            "user_agent": request.headers.get("user-agent", "")[:300],
        },
    )


def new_key(request) -> None:
    """Give the session a new key once the second factor is passed (as Django does at the
    password step), so a key seen before the second step is worth nothing after it; the
    person's session row follows the key."""
    old_key = request.session.session_key
    request.session.cycle_key()
    StaffSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)


def signed_out(request) -> None:
    if request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()


def live_sessions(user) -> list[StaffSession]:
    """The person's sessions that still work; rows of ended or expired ones are dropped."""
    idle_cutoff = timezone.now() - timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES)
    live, dead = [], []
    for row in StaffSession.objects.filter(user=user):
        data = _store(row.session_key).load()
        owner_matches = str(data.get(SESSION_KEY)) == str(user.pk) and data.get(HASH_SESSION_KEY)
        if owner_matches and row.last_seen_at >= idle_cutoff:
            live.append(row)
        else:
            dead.append(row)
    for row in dead:
        end(row, audited=False)
    return live


@transaction.atomic
def end(row: StaffSession, *, audited: bool = True) -> None:
    """Sign that session out: its key stops working on every server at once."""
    _store(row.session_key).delete()
    row.delete()
    if audited:
        audit.record(
            action=audit.Action.SESSION_ENDED,
            target=row.user.get_username(),
            signed_in_at=row.signed_in_at.isoformat(),
            session_ip=row.ip_address,
        )
