"""`manage.py check --deploy`: unsafe client-IP and HSTS settings (Django checks the rest).

Registered by core.apps.CoreConfig.
"""

import ipaddress

from django.conf import settings
from django.core import checks

# Networks that hold no public address: a proxy in them is one of ours or nobody's.
NON_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10",
    )
)  # fmt: skip
# A trusted public network wider than this cannot be a proxy tier: CDNs and cloud load
# balancers publish their ranges in blocks no wider (Cloudflare's widest are a /13 and a /29).
WIDEST_PUBLIC_PREFIX = {4: 12, 6: 24}
# What browsers' preload lists demand of a site before they take it (hstspreload.org).
PRELOAD_MIN_SECONDS = 31_536_000


def _is_public(network) -> bool:
    return not any(
        network.version == other.version and network.subnet_of(other) for other in NON_PUBLIC
    )


@checks.register(checks.Tags.security, deploy=True)
def check_trusted_proxies(app_configs=None, **kwargs):
    """Trusting a network that anyone can send from lets anyone write their own client IP
    into X-Forwarded-For: one fresh rate-limit bucket and sign-in lockout count per request."""
    errors = []
    for entry in settings.TRUSTED_PROXIES:
        network = ipaddress.ip_network(entry.strip(), strict=False)
        if _is_public(network) and network.prefixlen < WIDEST_PUBLIC_PREFIX[network.version]:
            errors.append(
                checks.Error(
                    f"TRUSTED_PROXIES trusts {entry}, a public network no proxy of yours can "
                    "fill: anyone sending from it chooses the client IP in X-Forwarded-For, "
                    "so rate limits and sign-in lockouts stop working.",
                    hint="List only your own proxies' and load balancers' addresses "
                    "(the default, 127.0.0.0/8,::1, trusts the local nginx).",
                    id="core.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_hsts_preload(app_configs=None, **kwargs):
    """Preload is opt-in (SECURE_HSTS_PRELOAD); asked for without what the lists require, the
    header promises something that never happens."""
    if not settings.SECURE_HSTS_PRELOAD:
        return []
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS and (
        settings.SECURE_HSTS_SECONDS >= PRELOAD_MIN_SECONDS
    ):
        return []
    return [
        checks.Warning(
            "SECURE_HSTS_PRELOAD is on, but browsers' preload lists accept a site only with "
            "includeSubDomains (SECURE_HSTS_INCLUDE_SUBDOMAINS) and a max-age of at least a "
            "year (SECURE_HSTS_SECONDS=31536000).",
            hint="Turn both on before submitting the domain, or turn SECURE_HSTS_PRELOAD off.",
            id="core.W002",
        )
    ]
