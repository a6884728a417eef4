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
