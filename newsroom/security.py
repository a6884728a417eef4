"""Response headers Django has no setting for.

Django's SecurityMiddleware already sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy, and django-csp sends Content-Security-Policy; this adds
Permissions-Policy, built once from settings.PERMISSIONS_POLICY:

    PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self", "https://player.vimeo.com"]}
    → Permissions-Policy: camera=(), fullscreen=(self "https://player.vimeo.com")
"""

from django.conf import settings

# Allowlist keywords are written bare; origins are quoted strings in the header's syntax.
KEYWORDS = {"self", "src", "*"}


def build_permissions_policy(policy: dict[str, list[str]]) -> str:
    directives = []
    for feature, allowed in policy.items():
        members = " ".join(item if item in KEYWORDS else f'"{item}"' for item in allowed)
        directives.append(f"{feature}=({members})")
    return ", ".join(directives)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = build_permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page django-axes shows once a username is locked out, from one
    network or (newsroom/logins.py) from everywhere.

    AXES_LOCKOUT_CALLABLE: axes' own template hook renders without the admin site's
    context (header, colour theme), so the page would not look like the admin.
    """
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.template.response import TemplateResponse
    from django.utils import timezone

    from newsroom.logins import USERNAME_LIMIT_FACTOR, locked_everywhere

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
