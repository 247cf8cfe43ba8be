"""Which sending errors are worth retrying."""

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
