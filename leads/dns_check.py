"""Compare the SPF, DKIM and DMARC records the settings call for with what DNS publishes.

`manage.py email_dns` prints the records; this reads them back, so a typo in the DNS
console or a record still on the old value shows before mail starts landing in spam.
Only what can be checked without guessing the provider is judged: one SPF record, the
DKIM key's public half, one DMARC record with a policy.
"""

from dataclasses import dataclass

import dns.exception
import dns.resolver


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    says: str


class DnsUnreachable(Exception):
    """No answer at all (offline, a firewall): nothing was checked."""


def resolver_for(nameserver: str = "", timeout: float = 3.0) -> dns.resolver.Resolver:
    """The system's resolver, or one server given as HOST, HOST:PORT or [IPv6]:PORT.

    Raises ValueError for a server that isn't an address and a port, DnsUnreachable when
    the system has no resolver configured.
    """
    if nameserver:
        host, port = nameserver, "53"
        if nameserver.startswith("["):
            host, _, rest = nameserver[1:].partition("]")
            port = rest.removeprefix(":") or "53"
        elif nameserver.count(":") == 1:
            host, port = nameserver.split(":")
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]  # dnspython checks it is an IP address
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"not a port: {port!r}")
        resolver.port = int(port)
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration as error:  # no /etc/resolv.conf
            raise DnsUnreachable(str(error)) from error
    resolver.lifetime = timeout
    resolver.use_edns(0, 0, 1232)  # a 2048-bit DKIM key doesn't fit in 512 bytes
    return resolver


def txt_values(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """Every TXT value at `name`, each one's strings joined; [] when there is none."""
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.resolver.LifetimeTimeout, dns.resolver.NoNameservers) as error:
        raise DnsUnreachable(str(error)) from error
    except dns.exception.DNSException as error:
        raise DnsUnreachable(str(error)) from error
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def _tags(value: str) -> dict[str, str]:
    tags = {}
    for part in value.split(";"):
        key, _, tag_value = part.strip().partition("=")
        if key:
            tags[key.strip().lower()] = "".join(tag_value.split())
    return tags


def check_spf(resolver: dns.resolver.Resolver, name: str) -> Finding:
    spf = [v for v in txt_values(resolver, name) if v.lower().startswith("v=spf1")]
    if not spf:
        return Finding(name, False, "no SPF record: receivers can't tell which servers may send")
    if len(spf) > 1:
        return Finding(name, False, f"{len(spf)} SPF records: receivers treat that as an error")
    return Finding(name, True, f"SPF published: {spf[0]}")


def check_dkim(resolver: dns.resolver.Resolver, name: str, expected: str) -> Finding:
    wanted = _tags(expected).get("p", "")
    keys = [_tags(v).get("p", "") for v in txt_values(resolver, name) if "p=" in v]
    if not keys:
        return Finding(name, False, "no DKIM key published: signatures will fail")
    if wanted not in keys:
        return Finding(name, False, "the published DKIM key is not DKIM_PRIVATE_KEY's public half")
    return Finding(name, True, "DKIM key matches DKIM_PRIVATE_KEY")


def check_dmarc(resolver: dns.resolver.Resolver, name: str) -> Finding:
    dmarc = [v for v in txt_values(resolver, name) if v.replace(" ", "").startswith("v=DMARC1")]
    if not dmarc:
        return Finding(name, False, "no DMARC record: Gmail and Yahoo require one of bulk senders")
    if len(dmarc) > 1:
        return Finding(name, False, f"{len(dmarc)} DMARC records: receivers ignore them all")
    policy = _tags(dmarc[0]).get("p", "")
    if policy not in {"none", "quarantine", "reject"}:
        return Finding(name, False, f"DMARC record without a valid policy (p=): {dmarc[0]}")
    return Finding(name, True, f"DMARC published, policy {policy}")


def check_records(
    resolver: dns.resolver.Resolver, records: list[tuple[str, str, str]]
) -> list[Finding]:
    """One finding per record from leads.dkim_signing.dns_records()."""
    findings = []
    for name, value, _purpose in records:
        if value.startswith("v=spf1"):
            findings.append(check_spf(resolver, name))
        elif value.startswith("v=DKIM1"):
            findings.append(check_dkim(resolver, name, value))
        elif value.startswith("v=DMARC1"):
            findings.append(check_dmarc(resolver, name))
    return findings
