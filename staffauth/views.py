"""The second step of signing in, enrolment and device management, and the sessions page.

Every page here is for the signed-in person themselves: nobody manages another person's
second factor from these pages (a superuser removes a lost device in the admin).
"""

from base64 import b32encode
from binascii import unhexlify

import segno
from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from core import audit

from . import policy, sessions
from .models import StaffSession

RECOVERY_CODE_COUNT = 10
PENDING_TOTP_KEY = "staffauth_pending_totp_key"
DEVICE_MODELS = {"totp": TOTPDevice, "passkey": WebAuthnCredential}


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


def _next_url(request, default=None):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("admin:index")


def _context(request, title, **extra):
    return {
        "title": title,
        "site_title": "Newsroom admin",
        "site_header": "Newsroom admin",
        "has_permission": False,
        "next": _next_url(request),
        **extra,
    }


def _signed_in_only(view):
    """The person signed in with a password (the middleware lets them reach only the step
    they owe); anyone else goes to the sign-in page."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_active:
            return redirect(f"{reverse('admin:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return never_cache(wrapper)


def _second_factor_passed(request, method):
    sessions.new_key(request)
    audit.record(
        action=audit.Action.SECOND_FACTOR_PASSED,
        target=request.user.get_username(),
        method=method,
    )


@_signed_in_only
def verify(request):
    """Second step of signing in: a code from the authenticator app, a passkey, or a
    recovery code (each recovery code works once)."""
    user = request.user
    if policy.pending_step(user) != policy.VERIFY:
        return HttpResponseRedirect(_next_url(request))
    kinds = {
        "totp": list(TOTPDevice.objects.devices_for_user(user, confirmed=True)),
        "recovery": list(StaticDevice.objects.devices_for_user(user, confirmed=True)),
    }
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    method = request.POST.get("method") if request.method == "POST" else None
    form = CodeForm(request.POST if method in kinds else None)
    if method in kinds and form.is_valid():
        token = form.cleaned_data["token"]
        for device in kinds[method]:
            verified = verify_token(user, device.persistent_id, token)
            if verified is not None:
                otp_login(request, verified)
                _second_factor_passed(request, method)
                return HttpResponseRedirect(_next_url(request))
        audit.record(
            action=audit.Action.SECOND_FACTOR_FAILED, target=user.get_username(), method=method
        )
        form.add_error("token", "That code did not work. Check it and try again.")
    context = _context(
        request,
        "Confirm it’s you",
        form=form,
        method=method,
        has_totp=bool(kinds["totp"]),
        has_recovery=any(device.token_set.exists() for device in kinds["recovery"]),
        has_passkey=has_passkey,
    )
    return render(request, "staffauth/verify.html", context)


@_signed_in_only
def devices(request):
    """Enrolment (the first time) and, later, the person's second factors."""
    user = request.user
    step = policy.pending_step(user)
    if step == policy.VERIFY:
        return redirect(f"{reverse('staffauth:verify')}?next={request.get_full_path()}")
    recovery = StaticDevice.objects.filter(user=user).first()
    context = _context(
        request,
        "Two-step sign-in",
        enrolling=step == policy.ENROL,
        required=policy.must_use_second_factor(user),
        totp_devices=TOTPDevice.objects.filter(user=user, confirmed=True),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True),
        recovery_left=recovery.token_set.count() if recovery else None,
        has_permission=step is None,
    )
    return render(request, "staffauth/devices.html", context)


def _totp_qr_svg(config_url: str) -> str:
    # Inline SVG: the policy allows images only from our own origin, so no data: URL.
    return segno.make(config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


@_signed_in_only
def totp_add(request):
    """Add an authenticator app: scan the code, type what the app shows to prove it works.

    The secret waits in the session until then, so an abandoned attempt leaves no device."""
    user = request.user
    if policy.pending_step(user) == policy.VERIFY:
        return redirect(reverse("staffauth:verify"))
    key = request.session.get(PENDING_TOTP_KEY)
    if key is None or request.method == "GET":
        key = request.session[PENDING_TOTP_KEY] = default_key()
    device = TOTPDevice(user=user, key=key, name="Authenticator app", confirmed=True)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if form.cleaned_data["token"].isdigit() and totp.verify(
            int(form.cleaned_data["token"]), tolerance=device.tolerance
        ):
            device.last_t = totp.t()
            with transaction.atomic():
                device.full_clean()
                device.save()
                if not user.is_verified():
                    otp_login(request, device)
                    sessions.new_key(request)
            del request.session[PENDING_TOTP_KEY]
            return _after_first_factor(request, "Authenticator app added.")
        form.add_error("token", "That code did not match. Check the app’s clock and try again.")
    context = _context(
        request,
        "Add an authenticator app",
        form=form,
        qr_svg=_totp_qr_svg(device.config_url),
        secret=b32encode(unhexlify(key)).decode(),
        enrolling=not user.is_verified(),
    )
    return render(request, "staffauth/totp_add.html", context)


def _after_first_factor(request, message):
    """With no recovery codes yet, the person gets them now; else back to the list."""
    if not StaticDevice.objects.filter(user=request.user).exists():
        return _issue_recovery_codes(request, first=True)
    messages.success(request, message)
    return redirect(reverse("staffauth:devices"))


def _issue_recovery_codes(request, *, first=False):
    user = request.user
    with transaction.atomic():
        device, created = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": "Recovery codes", "confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        if not created:
            audit.record(action=audit.Action.RECOVERY_CODES_ISSUED, target=user.get_username())
    context = _context(request, "Your recovery codes", codes=codes, first=first)
    return render(request, "staffauth/recovery_codes.html", context)


@require_POST
@_signed_in_only
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect(reverse("staffauth:devices"))
    return _issue_recovery_codes(request)


@require_POST
@_signed_in_only
def device_remove(request, kind, pk):
    if not request.user.is_verified() or kind not in DEVICE_MODELS:
        return redirect(reverse("staffauth:devices"))
    device = get_object_or_404(DEVICE_MODELS[kind], pk=pk, user=request.user)
    device.delete()
    messages.success(request, f"Removed “{device.name}”.")
    return redirect(reverse("staffauth:devices"))


class PasskeyVerifyView(CompleteCredentialAuthenticationView):
    """The library's passkey check, audited like the code forms."""

    def dispatch(self, request, *args, **kwargs):
        # The library turns a refused passkey into a JSON error answer, never an exception.
        response = super().dispatch(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return response
        if response.status_code == 200 and request.user.is_verified():
            _second_factor_passed(request, "passkey")
        else:
            audit.record(
                action=audit.Action.SECOND_FACTOR_FAILED,
                target=request.user.get_username(),
                method="passkey",
            )
        return response


@staff_member_required
@never_cache
def session_list(request):
    """Where the person is signed in; they can end any session but this one (sign out)."""
    rows = sessions.live_sessions(request.user)
    context = _context(
        request,
        "Your sessions",
        rows=rows,
        current_key=request.session.session_key,
        has_permission=True,
    )
    return render(request, "staffauth/sessions.html", context)


@require_POST
@staff_member_required
def session_end(request):
    current = request.session.session_key
    rows = StaffSession.objects.filter(user=request.user).exclude(session_key=current)
    chosen = request.POST.get("session", "")
    if chosen != "others":
        rows = rows.filter(pk=int(chosen) if chosen.isdigit() else None)
    ended = 0
    for row in rows:
        sessions.end(row)
        ended += 1
    messages.success(request, f"Signed out {ended} other session(s).")
    return redirect(reverse("staffauth:sessions"))
