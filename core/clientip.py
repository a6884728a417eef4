"""The visitor's IP address, believing X-Forwarded-For only from our own proxies.

Anyone can send an X-Forwarded-For header. We read it only when the connection comes from
an address in settings.TRUSTED_PROXIES (IPs or CIDR networks; by default the loopback
addresses the shipped nginx connects from), and then walk it from the right, past our own
proxies, to the first address we did not add ourselves.

Limits (rate limits, sign-in lockouts) count `network_of(address)`: an IPv4 address, or an
IPv6 client's /64. A /64 is the smallest block a provider hands one line or host, and every
address in it is that one client's to pick, so counting single IPv6 addresses would give
each client 2**64 buckets.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Limits count an IPv6 client by this prefix (see the module's docstring).
IPV6_CLIENT_PREFIX = 64

# The misconfiguration warning below is logged once per process: a forged header on every
# request must not flood the log, and one line per worker is enough to notice.
_warned_about_forwarding = False


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def trusted_proxies(entries: list[str]) -> list[str]:
    """settings.TRUSTED_PROXIES, refused at start-up when an entry is not an IP or network."""
    for entry in entries:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.2 or "
                "10.0.0.0/24); host names are not resolved."
            ) from None
    return entries


def _parse(value: str):
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d: it is that IPv4 address.
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def _warn_untrusted_forwarding(remote) -> None:
    global _warned_about_forwarding
    if _warned_about_forwarding:
        return
    _warned_about_forwarding = True
    logger.warning(
        "A request from %s carried X-Forwarded-For, but %s is not in TRUSTED_PROXIES, so the "
        "header was ignored and every reader behind it counts as %s in rate limits and "
        "sign-in lockouts. If %s is your own proxy or load balancer, add it to "
        "TRUSTED_PROXIES; if not, someone forged the header. (Logged once per process.)",
        remote,
        remote,
        remote,
        remote,
    )


def client_ip(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _is_trusted(remote, networks):
        if forwarded:
            _warn_untrusted_forwarding(remote)
        return str(remote)
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage in the chain: trust nothing further left of it
        if not _is_trusted(address, networks):
            return str(address)
    return str(remote)


def network_of(address: str) -> str:
    """What a limit counts for `address`: an IPv4 address itself, an IPv6 address's /64 (as
    the /64's first address, still a valid IP for axes' GenericIPAddressField). A value that
    is not an address (an email) is returned unchanged."""
    parsed = _parse(address)
    if parsed is None:
        return address
    if parsed.version == 6:
        network = ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False)
        return str(network.network_address)
    return str(parsed)


def client_network(request) -> str | None:
    """The client as limits count it (AXES_CLIENT_IP_CALLABLE): see network_of()."""
    address = client_ip(request)
    return None if address is None else network_of(address)
