"""Build Django 6.1's MAILERS setting from one EMAIL_URL.

EMAIL_URL examples: consolemail:// (the default), smtp://user:pass@host:587/?tls=True,
smtps://host:465. An email service provider goes through django-anymail: set
EMAIL_BACKEND_OVERRIDE to its backend path and its settings as ANYMAIL_* variables
or as JSON in ANYMAIL (see settings.py).
"""

import environ

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
