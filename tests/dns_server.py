"""A small authoritative DNS server on loopback (UDP), for tests that check published records.

It answers from a dict of TXT records and says NXDOMAIN for anything else; `silent=True`
makes it drop every query (a DNS that doesn't answer). Built on dnspython's wire format.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class TxtZone:
    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.silent = False
        self.queries: list[str] = []

    def publish(self, name: str, *values: str) -> None:
        self.txt[name.rstrip(".").lower() + "."] = list(values)

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text().lower()
        self.queries.append(name)
        if self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        values = self.txt.get(name)
        if values is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT:
            quoted = [
                " ".join(f'"{v[i : i + 255]}"' for i in range(0, len(v), 255)) for v in values
            ]
            response.answer.append(dns.rrset.from_text(name, 300, "IN", "TXT", *quoted))
        return response.to_wire()


@contextmanager
def dns_server() -> Iterator[tuple[TxtZone, str]]:
    """(the zone to fill, "127.0.0.1:PORT") while the server runs."""
    zone = TxtZone()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, client = sock.recvfrom(4096)
            except TimeoutError:
                continue
            reply = zone.answer(wire)
            if reply is not None:
                sock.sendto(reply, client)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield zone, f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        sock.close()
