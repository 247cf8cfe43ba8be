"""django-anymail's tracking webhooks, at anymail's own paths and names, with two guards.

- Without ANYMAIL_WEBHOOK_SECRET they answer 403: anymail itself would only warn and
  accept posts from anyone.
- A payload anymail can't parse is answered 400, never 500 (anymail raises whatever its
  JSON or field access raised). A wrong secret or signature is anymail's own 400.

Mounted under /anymail/ by site_project/urls.py; handled by leads.receivers.
"""

import logging
from collections.abc import Callable
from typing import Any

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

app_name = "anymail"

_MALFORMED = (AnymailError, ValueError, KeyError, TypeError, AttributeError, IndexError)


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    def webhook(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            logger.warning("Mail webhook %s refused: no ANYMAIL_WEBHOOK_SECRET", request.path)
            return HttpResponseForbidden("Webhooks are not configured.")
        try:
            return view(request, *args, **kwargs)
        except SuspiciousOperation:  # a wrong secret or signature: Django answers 400
            raise
        except ImproperlyConfigured:  # e.g. Mailgun's signing key missing: retry later
            logger.exception("Mail webhook %s is not configured", request.path)
            return HttpResponse("Webhook not configured.", status=503)
        except _MALFORMED as exc:
            # The type only: the message may quote the payload, addresses included.
            logger.warning(
                "Mail webhook %s: malformed payload (%s)", request.path, type(exc).__name__
            )
            return HttpResponseBadRequest("Malformed payload.")

    return webhook


urlpatterns: list[URLPattern] = [
    path(str(pattern.pattern), guarded(pattern.callback), name=pattern.name)
    for pattern in anymail_urls.urlpatterns
    if isinstance(pattern, URLPattern) and str(pattern.name).endswith("_tracking_webhook")
]
