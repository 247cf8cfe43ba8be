"""Who the visitor is, behind the reverse proxy: one rule for axes, rate limits, consent, logs.

X-Forwarded-* headers are anyone's to write. They count only when the connection comes from
a proxy in FORWARDED_ALLOW_IPS (addresses or networks, the list gunicorn reads too), and
only with BEHIND_PROXY on. The visitor is then the right-most X-Forwarded-For hop that is
not one of those proxies: each proxy appends the address it saw, so everything left of the
first untrusted hop was written by someone we can't vouch for.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# What a proxy may tell us; from anyone else these are dropped before any code reads them.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """FORWARDED_ALLOW_IPS as networks; a bad entry stops the site rather than trust it."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS holds {entry!r}, which is not an address or a network "
                "(write them comma-separated, e.g. 127.0.0.1,10.0.0.0/24,::1)."
            ) from None
    return tuple(networks)


def parse_address(value: str) -> IPAddress | None:
    """An address as a proxy may write it (with a port, in brackets), or None if it isn't one."""
    value = value.strip().strip('"')
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:  # 203.0.113.5:1234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: IPAddress | None) -> bool:
    if address is None or not settings.BEHIND_PROXY:
        return False
    networks = trusted_networks(tuple(settings.FORWARDED_ALLOW_IPS))
    return any(address in network for network in networks)


def visitor_address(meta: dict) -> IPAddress | None:
    """The rule itself, on a WSGI environ (request.META)."""
    peer = parse_address(meta.get("REMOTE_ADDR", ""))
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy passed on something that is no address: stop at the last
            # address we could vouch for rather than guess further left.
            return nearest
        if not is_trusted_proxy(address):
            return address
        nearest = address
    return nearest


def forwarded_headers_drop_untrusted(environ: dict) -> None:
    """Drop X-Forwarded-* unless the peer is a trusted proxy: the one place the rule is
    applied, for the middleware and for the page cache in front of it."""
    if not is_trusted_proxy(parse_address(environ.get("REMOTE_ADDR", ""))):
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)


def visitor_ip(request: HttpRequest) -> str | None:
    """The visitor's address as text, or None when there is none to be had (a Unix socket,
    a test's bare request): django-axes stores it in an IP column, which PostgreSQL checks."""
    address = visitor_address(request.META)
    return str(address) if address is not None else None


class ForwardedHeadersMiddleware:
    """First in the chain: X-Forwarded-* from anyone but a trusted proxy never reach Django
    (SECURE_PROXY_SSL_HEADER, the host) or our code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded_headers_drop_untrusted(request.META)
        return self.get_response(request)
