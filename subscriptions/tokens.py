"""Signed, opaque tokens for the links in our emails (no account needed to use them).

Tokens carry only a subscriber id (and a newsletter id) signed with SECRET_KEY and a
per-purpose salt, so a token for one purpose never works for another.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
PREFERENCES_SALT = "subscriptions.preferences"
CONFIRMATION_MAX_AGE = getattr(settings, "CONFIRMATION_MAX_AGE_SECONDS", 7 * 24 * 3600)


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


def confirmation_url(subscriber):
    token = make_token({"s": subscriber.pk}, salt=CONFIRM_SALT)
    return absolute(reverse("subscriptions:confirm", kwargs={"token": token}))


def unsubscribe_url(subscriber, newsletter=None):
    """One-click unsubscribe link (RFC 8058): POST unsubscribes, GET shows a confirm page."""
    payload = {"s": subscriber.pk}
    if newsletter is not None:
        payload["n"] = newsletter.pk
    token = make_token(payload, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def preferences_url(subscriber):
    token = make_token({"s": subscriber.pk}, salt=PREFERENCES_SALT)
    return absolute(reverse("subscriptions:preferences", kwargs={"token": token}))


def read_confirmation_token(token):
    """(subscriber id, expired?) or raise signing.BadSignature for a forged or garbled token.

    An expired token is still ours (the signature holds), so the page can offer a fresh email
    without asking the reader to type the address again.
    """
    try:
        payload = read_token(token, salt=CONFIRM_SALT, max_age=confirmation_max_age())
        expired = False
    except signing.SignatureExpired:
        payload = read_token(token, salt=CONFIRM_SALT)
        expired = True
    return _subscriber_id(payload), expired


def read_unsubscribe_token(token):
    """(subscriber id, newsletter id or None); these links never expire (old emails stay valid)."""
    payload = read_token(token, salt=UNSUBSCRIBE_SALT)
    newsletter_id = payload.get("n")
    if newsletter_id is not None and not isinstance(newsletter_id, int):
        raise signing.BadSignature("Malformed newsletter id")
    return _subscriber_id(payload), newsletter_id


def read_preferences_token(token):
    return _subscriber_id(read_token(token, salt=PREFERENCES_SALT))


def _subscriber_id(payload):
    subscriber_id = payload.get("s") if isinstance(payload, dict) else None
    if not isinstance(subscriber_id, int):
        raise signing.BadSignature("Malformed subscriber id")
    return subscriber_id
