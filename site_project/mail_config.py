"""Build Django 6.1's MAILERS setting from one EMAIL_URL.

EMAIL_URL examples: consolemail:// (the default), smtp://user:pass@host:587/?tls=True,
smtps://host:465. An email service provider goes through django-anymail: set
EMAIL_BACKEND_OVERRIDE to its backend path and its settings as ANYMAIL_* variables
or as JSON in ANYMAIL (see settings.py).
"""

from datetime import date

import environ
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT_SECONDS = 10
SMTP_BACKEND = "leads.dkim_signing.EmailBackend"

_OPTION_NAMES = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_FILE_PATH": "file_path",
}


def mailer_from_url(url: str, backend_override: str = "") -> dict:
    """One MAILERS entry: BACKEND plus the OPTIONS that backend accepts."""
    parsed = environ.Env.email_url_config(url)
    backend = backend_override or parsed["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend") and not parsed.get("EMAIL_FILE_PATH"):
        return {"BACKEND": backend}
    options = {
        _OPTION_NAMES[key]: value
        for key, value in parsed.items()
        if key in _OPTION_NAMES and value not in ("", None)
    }
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        backend = SMTP_BACKEND  # Django's, plus DKIM signing when DKIM_* is set
    if backend.endswith("smtp.EmailBackend"):
        options.setdefault("timeout", DEFAULT_TIMEOUT_SECONDS)
    return {"BACKEND": backend, "OPTIONS": options}


def warmup_start_from_env(value: str) -> date | None:
    """EMAIL_WARMUP_START: a date, YYYY-MM-DD, or empty for no warm-up."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"EMAIL_WARMUP_START must be a date such as 2026-12-01, not {value!r}"
        ) from None


def send_window_from_env(hours: list[int]) -> tuple[int, int]:
    """FOLLOW_UP_SEND_WINDOW: two whole hours, opening before closing, e.g. 8,18."""
    if len(hours) != 2 or not 0 <= hours[0] < hours[1] <= 24:
        raise ImproperlyConfigured(
            f"FOLLOW_UP_SEND_WINDOW must be two hours such as 8,18 (open, close), not {hours!r}"
        )
    return hours[0], hours[1]
