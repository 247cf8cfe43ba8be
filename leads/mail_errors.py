"""Which sending errors are worth retrying."""

import re
import smtplib

from celery.exceptions import SoftTimeLimitExceeded


class TemporarySendError(Exception):
    """The mail server or the network said "try later": 4xx, timeout, refused connection."""


def is_temporary(exc: BaseException) -> bool:
    """True for errors a later retry can fix; False for permanent refusals (5xx) and bugs."""
    if isinstance(exc, SoftTimeLimitExceeded):  # a slow server or network, not a refusal
        return True
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        # An email provider's HTTP API (django-anymail): rate limits and server trouble pass,
        # a refused request (bad key, bad address) will be refused again.
        return status == 429 or status >= 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):  # e.g. no STARTTLS: a setup problem
        return False
    # Refused or timed-out connections, DNS hiccups: the server never said no.
    return isinstance(exc, OSError)


# RFC 3463: 5.1.1 bad destination mailbox, 5.1.10 null MX (the domain takes no mail).
_NO_SUCH_MAILBOX = re.compile(
    r"\b5\.1\.(1|10)\b|no such (user|mailbox)|user unknown|unknown user|does not exist",
    re.IGNORECASE,
)


def no_such_mailbox(exc: BaseException, *, to: str) -> list[str]:
    """The addresses a mail server refused for good because the mailbox does not exist."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [
            address
            for address, (code, message) in exc.recipients.items()
            if 500 <= code < 600 and _NO_SUCH_MAILBOX.search(_text(message))
        ]
    if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600:
        return [to] if _NO_SUCH_MAILBOX.search(_text(exc.smtp_error)) else []
    return []


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def temporary_bounce(*, provider: str, esp_event: object) -> bool:
    """True for a bounce the provider calls temporary: anymail reports some as "bounced".

    Amazon SES (bounceType Transient or Undetermined), Postmark (SoftBounce), Brevo
    (soft_bounce) and SendGrid (a "blocked" bounce). Mailgun's are "deferred" already.
    """
    if not isinstance(esp_event, dict):
        return False
    name = provider.lower()
    if name == "amazon ses":
        bounce = esp_event.get("bounce")
        return isinstance(bounce, dict) and bounce.get("bounceType") != "Permanent"
    if name == "postmark":
        return esp_event.get("Type") in {"SoftBounce", "Transient", "DnsError"}
    if name in {"brevo", "sendinblue"}:
        return esp_event.get("event") == "soft_bounce"
    if name == "sendgrid":
        return esp_event.get("type") == "blocked"
    return False
