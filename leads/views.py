"""The signed links in our emails: one-click unsubscribe and the double opt-in confirmation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Lead
from .services import lead_confirm, lead_unsubscribe
from .tokens import BadLink, lead_id_from_confirm_token, lead_id_from_unsubscribe_token


def _bad_link(request: HttpRequest, *, purpose: str) -> HttpResponse:
    return render(request, "leads/bad_link.html", {"purpose": purpose}, status=400)


@never_cache  # personal pages: no shared cache may keep them
@csrf_exempt  # RFC 8058: mail providers POST here with no session or CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST does it, any number of times."""
    try:
        lead = Lead.objects.get(pk=lead_id_from_unsubscribe_token(token))
    except (BadLink, Lead.DoesNotExist):
        return _bad_link(request, purpose="unsubscribe")
    if request.method == "POST":
        lead_unsubscribe(lead=lead)
        return render(request, "leads/unsubscribed.html", {"lead": lead})
    return render(request, "leads/unsubscribe.html", {"lead": lead, "token": token})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and POST confirms.

    Corporate mail filters open every link in an email to scan it; if GET confirmed, the
    scanner would give the consent instead of the person.
    """
    try:
        lead = Lead.objects.get(pk=lead_id_from_confirm_token(token))
    except (BadLink, Lead.DoesNotExist):
        return _bad_link(request, purpose="confirm")
    if request.method == "POST":
        lead_confirm(lead=lead)
        return render(request, "leads/confirmed.html", {"lead": lead})
    return render(request, "leads/confirm.html", {"lead": lead, "token": token})
