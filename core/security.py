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
