"""Staff sessions: the second factor gate and the inactivity limit.

Runs after django-otp's OTPMiddleware, which tells whether this session passed a second
factor (`request.user.is_verified()`). A person who signed in with a password but still has
to verify (or, in a role that must, to enrol) reaches only the pages of that step: every
other admin address sends them there, and everywhere else they are nobody (an anonymous
visitor), so no staff view anywhere can be reached on a password alone.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import policy, sessions

# How often a busy session writes down that it is still in use (seconds): the idle limit
# is counted in minutes, so once a minute is precise enough and spares a write per request.
SEEN_EVERY_SECONDS = 60
SEEN_SESSION_KEY = "staffauth_seen_at"


def _step_paths():
    return {
        policy.VERIFY: (
            reverse("staffauth:verify"),
            reverse("otp_webauthn:credential-authentication-begin"),
            reverse("otp_webauthn:credential-authentication-complete"),
        ),
        policy.ENROL: (
            reverse("staffauth:devices"),
            reverse("staffauth:totp_add"),
            reverse("otp_webauthn:credential-registration-begin"),
            reverse("otp_webauthn:credential-registration-complete"),
        ),
    }


def _always_open():
    return (reverse("admin:logout"), reverse("otp_webauthn:js-i18n-catalog"))


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            response = self._signed_in(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _signed_in(self, request):
        now = time.time()
        seen = request.session.get(SEEN_SESSION_KEY, now)
        if now - seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
            logout(request)
            return redirect_to_login(request)
        if now - seen >= SEEN_EVERY_SECONDS or SEEN_SESSION_KEY not in request.session:
            request.session[SEEN_SESSION_KEY] = now
            sessions.seen(request)

        step = policy.pending_step(request.user)
        if step is None:
            return None
        if request.path in _always_open() or request.path in _step_paths()[step]:
            return None
        if request.path.startswith(reverse("admin:index")):
            target = reverse("staffauth:verify" if step == policy.VERIFY else "staffauth:devices")
            return redirect(f"{target}?{urlencode({'next': _next(request)})}")
        request.user = AnonymousUser()

        async def anonymous():
            return request.user

        request.auser = anonymous
        return None


def _next(request):
    if request.path != reverse("admin:login"):
        return request.get_full_path()
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def redirect_to_login(request):
    return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")
