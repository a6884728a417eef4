"""Requests whose pages are their own: previews of unpublished stories and signed-in staff.

They neither read nor write any shared copy (pages, blocks, data): what they render
may show what readers must not see, and what is shared must not depend on them. Preview
views are marked by `private_view` (or `mark_private` inside a shared helper); a signed-in
user is recognised by the session, looked up only when the request carries a cookie.
"""

import functools

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

ATTRIBUTE = "_pagecache_private"


def mark_private(request):
    setattr(request, ATTRIBUTE, True)


def private_view(view):
    """Decorator: every request this view answers is private (see the module)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        mark_private(request)
        return view(request, *args, **kwargs)

    wrapped.pagecache_private = True
    return wrapped


def is_private(request):
    if request is None:
        return False
    if getattr(request, ATTRIBUTE, False):
        return True
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
