"""Print the SPF, DKIM and DMARC DNS records the site's mail settings call for."""

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leads.dkim_signing import dkim_public_record, dkim_settings, dns_records
from leads.dns_check import DnsUnreachable, check_records, resolver_for


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()


class Command(BaseCommand):
    help = (
        "Print the SPF, DKIM and DMARC records to publish for the site's sending domain, "
        "then check what DNS publishes (when DNS answers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--nameserver",
            default="",
            help="ask this DNS server (HOST, HOST:PORT or [IPv6]:PORT), e.g. the domain's own "
            "before a change has spread; default: the system's resolver",
        )
        parser.add_argument("--no-check", action="store_true", help="only print the records")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="exit with an error when a record is missing or wrong, or DNS doesn't answer",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from_domain = _domain(settings.RESULT_FROM_EMAIL)
        envelope_domain = _domain(settings.EMAIL_ENVELOPE_FROM) or from_domain
        mailer = settings.MAILERS.get("default", {})
        smtp_host = str(mailer.get("OPTIONS", {}).get("host", ""))  # SMTP only; none for an API
        dkim_config = dkim_settings()
        dkim = {}
        if dkim_config:
            selector, domain, key = dkim_config
            dkim = {
                "dkim_selector": selector,
                "dkim_domain": domain,
                "dkim_record": dkim_public_record(key),
            }
        records = dns_records(
            from_domain=from_domain, envelope_domain=envelope_domain, smtp_host=smtp_host, **dkim
        )
        for name, value, purpose in records:
            self.stdout.write(f"; {purpose}")
            # A TXT string holds at most 255 characters: longer values go as several.
            parts = " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
            self.stdout.write(f"{name}\tTXT\t{parts}\n")
        if not dkim_config:
            self.stdout.write(
                "; DKIM: not set up (DKIM_SELECTOR, DKIM_DOMAIN, DKIM_PRIVATE_KEY). An email "
                "provider publishes its own DKIM records: add the ones it gives you."
            )
        elif dkim["dkim_domain"] != from_domain and not from_domain.endswith(
            "." + dkim["dkim_domain"]
        ):
            self.stderr.write(
                f"DKIM_DOMAIN {dkim['dkim_domain']} is not the From domain {from_domain}: "
                "DMARC will not count the signature."
            )
        if not options["no_check"]:
            self._check(records, nameserver=options["nameserver"], strict=options["strict"])

    def _check(self, records: list[tuple[str, str, str]], *, nameserver: str, strict: bool) -> None:
        """What DNS publishes now, record by record."""
        self.stdout.write(
            "\n; What DNS publishes now" + (f" (asked {nameserver})" if nameserver else "")
        )
        try:
            findings = check_records(resolver_for(nameserver), records)
        except ValueError as error:
            raise CommandError(f"--nameserver {nameserver!r}: {error}") from None
        except DnsUnreachable as error:
            self.stdout.write(f"; Not checked: DNS did not answer ({error})")
            if strict:
                raise CommandError("DNS did not answer: nothing was checked.") from None
            return
        for finding in findings:
            mark = "ok" if finding.ok else "NEEDS WORK"
            self.stdout.write(f"; {mark:<10} {finding.name} {finding.says}")
        problems = sum(not finding.ok for finding in findings)
        if problems and strict:
            raise CommandError(f"{problems} of {len(findings)} records need work (see above).")
