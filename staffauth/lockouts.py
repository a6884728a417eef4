"""Admin sign-in lockouts (django-axes): per network, and per username from everywhere, and
the admin-styled page shown during one (AXES_HANDLER, AXES_LOCKOUT_CALLABLE).

Axes counts failures for each username+network pair (AXES_LOCKOUT_PARAMETERS) and locks the
pair at AXES_FAILURE_LIMIT: a guesser on one network is stopped without locking the owner out
elsewhere. A guesser with many networks would get that many tries per cool-off, so a username
is also locked everywhere once its failures from all networks together reach
USERNAME_LIMIT_FACTOR times the limit. Axes has one failure limit for all its lockout
parameters, so this second count lives in the handler (AXES_HANDLER, axes' documented hook
for it) rather than in AXES_LOCKOUT_PARAMETERS; that also keeps a successful sign-in
clearing only its own network's count (AXES_RESET_ON_SUCCESS), not everyone else's.
"""

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum

USERNAME_LIMIT_FACTOR = 10


def username_failures(request, credentials=None) -> int:
    """Failures for the attempted username from every network within the cool-off."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def locked_everywhere(request, credentials=None) -> bool:
    limit = get_failure_limit(request, credentials)
    return username_failures(request, credentials) >= USERNAME_LIMIT_FACTOR * limit


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """This username's failures from this network, or the whole limit once the username
        is locked everywhere: axes compares this one number with AXES_FAILURE_LIMIT."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and locked_everywhere(request, credentials):
            return limit
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page django-axes shows once a username is locked out, from one
    network or (locked_everywhere above) from everywhere.

    AXES_LOCKOUT_CALLABLE: axes' own template hook renders without the admin site's
    context (header, colour theme), so the page would not look like the admin.
    """
    from django.contrib import admin
    from django.template.response import TemplateResponse
    from django.utils import timezone

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "locked_everywhere": locked_everywhere(request, credentials),
        "username_failure_limit": USERNAME_LIMIT_FACTOR * get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
        "retry_at": timezone.localtime() + cool_off if cool_off else None,
    }
    response = TemplateResponse(
        request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    return response.render()
