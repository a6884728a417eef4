"""Signed, opaque tokens for the links in our emails (no account needed to use them).

Tokens carry a subscriber id, the subscriber's token version (and a newsletter or
confirmation request id), signed with SECRET_KEY and a per-purpose salt, so a token for one
purpose never works for another. Raising `Subscriber.token_version` revokes every link sent
before; links from before versions existed carry none and count as version 0. Signatures
made with a key listed in SECRET_KEY_FALLBACKS still verify, so rotating the key breaks no
link already sent.
"""

from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
PREFERENCES_SALT = "subscriptions.preferences"
CONFIRMATION_MAX_AGE = getattr(settings, "CONFIRMATION_MAX_AGE_SECONDS", 7 * 24 * 3600)


class Link(NamedTuple):
    """What a verified token says; the view still checks `version` against the subscriber."""

    subscriber_id: int
    version: int
    newsletter_id: int | None = None
    request_id: int | None = None


def confirmation_max_age():
    """Read at use, not import, so a changed setting (or a test override) takes effect."""
    return getattr(settings, "CONFIRMATION_MAX_AGE_SECONDS", CONFIRMATION_MAX_AGE)


def make_token(payload, *, salt):
    return signing.dumps(payload, salt=salt, compress=True)


def read_token(token, *, salt, max_age=None):
    """The payload, or raise signing.BadSignature (SignatureExpired is a subclass)."""
    return signing.loads(token, salt=salt, max_age=max_age)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def _payload(subscriber, **ids):
    return {"s": subscriber.pk, "v": subscriber.token_version, **ids}


def unsubscribe_token(subscriber, newsletter_id=None):
    ids = {} if newsletter_id is None else {"n": newsletter_id}
    return make_token(_payload(subscriber, **ids), salt=UNSUBSCRIBE_SALT)


def preferences_token(subscriber):
    return make_token(_payload(subscriber), salt=PREFERENCES_SALT)


def confirmation_url(confirmation_request):
    """The link that confirms one signup's newsletters (a page whose button does it)."""
    payload = _payload(confirmation_request.subscriber, r=confirmation_request.pk)
    token = make_token(payload, salt=CONFIRM_SALT)
    return absolute(reverse("subscriptions:confirm", kwargs={"token": token}))


def unsubscribe_url(subscriber, newsletter=None):
    """One-click unsubscribe link (RFC 8058): POST unsubscribes, GET shows a confirm page."""
    token = unsubscribe_token(subscriber, None if newsletter is None else newsletter.pk)
    return absolute(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def preferences_url(subscriber):
    token = preferences_token(subscriber)
    return absolute(reverse("subscriptions:preferences", kwargs={"token": token}))


def read_confirmation_token(token):
    """(Link, expired?) or raise signing.BadSignature for a forged or garbled token.

    An expired token is still ours (the signature holds), so the page can offer a fresh email
    without asking the reader to type the address again. A link from before confirmation
    requests existed has no request id: it confirms nothing, but can ask for a fresh link.
    """
    try:
        payload = read_token(token, salt=CONFIRM_SALT, max_age=confirmation_max_age())
        expired = False
    except signing.SignatureExpired:
        payload = read_token(token, salt=CONFIRM_SALT)
        expired = True
    return _link(payload, request_id=_optional_id(payload, "r")), expired


def read_unsubscribe_token(token):
    """A Link with the newsletter id (None: every newsletter); these never expire."""
    payload = read_token(token, salt=UNSUBSCRIBE_SALT)
    return _link(payload, newsletter_id=_optional_id(payload, "n"))


def read_preferences_token(token):
    return _link(read_token(token, salt=PREFERENCES_SALT))


def _optional_id(payload, key):
    value = payload.get(key) if isinstance(payload, dict) else None
    if value is not None and not isinstance(value, int):
        raise signing.BadSignature(f"Malformed {key}")
    return value


def _link(payload, **ids):
    subscriber_id = payload.get("s") if isinstance(payload, dict) else None
    version = payload.get("v", 0) if isinstance(payload, dict) else None
    if not isinstance(subscriber_id, int) or not isinstance(version, int):
        raise signing.BadSignature("Malformed subscriber id or version")
    return Link(subscriber_id, version, **ids)
