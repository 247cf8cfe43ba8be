"""DKIM signatures for mail the site sends itself over SMTP (providers sign their own).

The signature covers the headers a receiver checks and the ones a forwarder must not add
or change: From, To, Subject, Date, Message-ID and the one-click unsubscribe pair among
them. A header we don't send is still signed (as empty), so nobody can add it later.
"""

import base64
import email.policy
import smtplib
from typing import Any

import dkim
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.mail.backends import smtp

SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Feedback-ID",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
)


def dkim_signature(raw: bytes, *, selector: str, domain: str, private_key: bytes) -> bytes:
    """The DKIM-Signature header (with its CRLF) to put in front of the raw message."""
    signature: bytes = dkim.sign(
        raw,
        selector.encode("ascii"),
        domain.encode("ascii"),
        private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name.encode("ascii") for name in SIGNED_HEADERS],
    )
    return signature


def dkim_public_record(private_key: bytes) -> str:
    """The TXT record receivers look up at <selector>._domainkey.<domain>."""
    key = serialization.load_pem_private_key(private_key, password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode('ascii')}"


def dkim_settings() -> tuple[str, str, bytes] | None:
    """(selector, domain, private key) when DKIM_SELECTOR, DKIM_DOMAIN and DKIM_PRIVATE_KEY
    are all set; None turns signing off."""
    selector, domain, key = settings.DKIM_SELECTOR, settings.DKIM_DOMAIN, settings.DKIM_PRIVATE_KEY
    if not (selector and domain and key):
        return None
    return selector, domain, key.encode("ascii")


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, adding a DKIM signature when DKIM_* is configured."""

    def _send(self, email_message: Any) -> bool:
        # Django's own _send, with the signature put in front of the bytes it sends.
        dkim_config = dkim_settings()
        if dkim_config is None:
            return bool(super()._send(email_message))  # type: ignore[misc] # private, untyped in the stubs
        if not email_message.recipients():
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(address) for address in email_message.recipients()]
        raw = email_message.message(policy=email.policy.SMTP).as_bytes()
        selector, domain, key = dkim_config
        signed = dkim_signature(raw, selector=selector, domain=domain, private_key=key) + raw
        if self.connection is None:  # send_messages opens it before calling _send
            return False
        try:
            self.connection.sendmail(from_email, recipients, signed)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


def dns_records(
    *,
    from_domain: str,
    envelope_domain: str,
    smtp_host: str,
    dkim_selector: str = "",
    dkim_domain: str = "",
    dkim_record: str = "",
) -> list[tuple[str, str, str]]:
    """(name, TXT value, what it is for) for SPF, DKIM and DMARC; the values are advice
    a person checks against their provider's own instructions."""
    sender = f"a:{smtp_host}" if smtp_host else "include:<your provider's SPF domain>"
    records = [
        (
            f"{envelope_domain}.",
            f"v=spf1 {sender} ~all",
            "SPF: which servers may send with this envelope sender (Return-Path)",
        )
    ]
    if dkim_record:
        records.append(
            (
                f"{dkim_selector}._domainkey.{dkim_domain}.",
                dkim_record,
                "DKIM: the public half of DKIM_PRIVATE_KEY",
            )
        )
    records.append(
        (
            f"_dmarc.{from_domain}.",
            f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{from_domain}; adkim=r; aspf=r",
            "DMARC: start with p=none, read the reports, then move to p=quarantine",
        )
    )
    return records
