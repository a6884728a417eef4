"""Sessions are listed from sign-in to sign-out; a second factor's arrival and removal are
audited however they happen (the enrolment pages, or a superuser removing a lost phone's
device in the admin)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core import audit

from . import sessions

DEVICE_KINDS = {
    TOTPDevice: "authenticator app",
    WebAuthnCredential: "passkey",
    StaticDevice: "recovery codes",
}


def _signed_in(sender, request, user, **kwargs):
    from .middleware import SEEN_SESSION_KEY

    request.session[SEEN_SESSION_KEY] = time.time()
    sessions.seen(request)


def _signed_out(sender, request, user, **kwargs):
    sessions.signed_out(request)


def _device_added(sender, instance, created, **kwargs):
    if created:
        audit.record(
            action=audit.Action.SECOND_FACTOR_ADDED,
            target=instance.user.get_username(),
            kind=DEVICE_KINDS[sender],
            name=instance.name,
        )


def _device_removed(sender, instance, **kwargs):
    audit.record(
        action=audit.Action.SECOND_FACTOR_REMOVED,
        target=instance.user.get_username(),
        kind=DEVICE_KINDS[sender],
        name=instance.name,
    )


def connect():
    user_logged_in.connect(_signed_in, dispatch_uid="staffauth.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="staffauth.signed_out")
    for model in DEVICE_KINDS:
        post_save.connect(_device_added, sender=model, dispatch_uid=f"staffauth.add.{model}")
        post_delete.connect(_device_removed, sender=model, dispatch_uid=f"staffauth.rm.{model}")
