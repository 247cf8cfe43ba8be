"""Which addresses a webhook may be sent to: the SSRF guard.

An endpoint URL is checked when staff save it and again before every delivery, because a
name can resolve to a public address today and to 127.0.0.1 tomorrow (DNS rebinding).
The delivery then connects to the very address that passed, never resolving twice.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeURL(ValueError):
    """The URL must not be called; the message is written for staff."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the checked address, and the name for Host and TLS."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (a seam the tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


def refusal(address: IPAddress) -> str:
    """Why the address is off limits, or "" when it is a public one (or explicitly allowed)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in net for net in allowed_networks()):
        return ""
    for test, what in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(address, test):
            return what
    if not address.is_global:
        return "an address that is not on the public internet"
    return ""


def check_url(url: str) -> Target:
    """Resolve the URL and return where to connect; raise UnsafeURL with the reason."""
    try:
        parts = urlsplit(str(url).strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"This is not a valid web address ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURL("Use an http:// or https:// address.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL("The address has no host name.")
    if parts.username or parts.password:
        raise UnsafeURL("Put no user name or password in the address; the secret signs it.")
    port = port or _DEFAULT_PORTS[scheme]
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        addresses = [str(literal)] if literal else resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(f"The host name {host} could not be resolved.") from exc
    if not addresses:
        raise UnsafeURL(f"The host name {host} could not be resolved.")
    for address in addresses:
        # Every address must pass: a resolver may hand out any of them next time.
        why = refusal(ipaddress.ip_address(address.split("%")[0]))
        if why:
            where = f"{host} is" if literal else f"{host} resolves to {address},"
            raise UnsafeURL(f"{where} {why}; webhooks can't go there.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=host, port=port, address=addresses[0], path=path)
