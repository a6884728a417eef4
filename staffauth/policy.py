"""Who must use a second factor, and where a signed-in person stands with it.

A person must when they are in a role that STAFF_2FA_REQUIRED_ROLES names (a group name;
"superusers" stands for every superuser). Anyone else may enrol; once they have, their
second factor is asked for at every sign-in like everyone else's: a factor that could be
skipped would protect nothing.
"""

from django.conf import settings
from django_otp import user_has_device

SUPERUSERS = "superusers"

# What a signed-in person still has to do before they count as signed in.
VERIFY = "verify"
ENROL = "enrol"


def must_use_second_factor(user) -> bool:
    roles = set(settings.STAFF_2FA_REQUIRED_ROLES)
    if not roles or not user.is_active:
        return False
    if SUPERUSERS in roles and user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()


def pending_step(user) -> str | None:
    """VERIFY, ENROL, or None when the session is fully signed in (or nobody is)."""
    if not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return VERIFY
    if must_use_second_factor(user):
        return ENROL
    return None
