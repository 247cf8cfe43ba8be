"""Print the SPF, DKIM and DMARC DNS records the site's mail settings call for."""

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from leads.dkim_signing import dkim_public_record, dkim_settings, dns_records


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()


class Command(BaseCommand):
    help = "Print the SPF, DKIM and DMARC records to publish for the site's sending domain."

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
        for name, value, purpose in dns_records(
            from_domain=from_domain, envelope_domain=envelope_domain, smtp_host=smtp_host, **dkim
        ):
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
