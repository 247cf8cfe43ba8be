"""The call-request page, reached by a signed per-lead link (result page and emails).

It works with JavaScript off: the time zone select defaults to the firm's, and a tiny
script (static/js/call-time-zone.js) only preselects the browser's own zone.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from leads.models import Lead
from leads.tokens import LinkExpired, LinkTampered

from .forms import CallRequestForm
from .links import call_request_path, lead_id_from_call_token
from .models import CallRequest
from .services import CallRequestRefused, call_request_submit


def _problem(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    response = render(request, "calls/link_problem.html", {"problem": problem}, status=status)
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _lead_or_problem(request: HttpRequest, token: str) -> Lead | HttpResponse:
    try:
        lead_id = lead_id_from_call_token(token)
    except LinkExpired:
        return _problem(request, "expired", 410)
    except LinkTampered:
        return _problem(request, "tampered", 400)
    lead = Lead.objects.filter(pk=lead_id).first()
    if lead is None or lead.erased_at is not None:
        return _problem(request, "gone", 410)
    return lead


def _initial(call: CallRequest | None) -> dict[str, object]:
    """The open request's values, in its own time zone, so asking again starts from them."""
    if call is None:
        return {}
    zone = ZoneInfo(call.time_zone)
    return {
        "time_zone": call.time_zone,
        "first_choice": timezone.localtime(call.first_choice, zone).replace(tzinfo=None),
        "second_choice": (
            timezone.localtime(call.second_choice, zone).replace(tzinfo=None)
            if call.second_choice
            else None
        ),
        "phone": call.phone,
        "message": call.message,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_call(request: HttpRequest, token: str) -> HttpResponse:
    found = _lead_or_problem(request, token)
    if isinstance(found, HttpResponse):
        return found
    lead = found
    open_call = CallRequest.objects.open().filter(lead=lead).first()
    action = call_request_path(lead.pk)
    selected = open_call.time_zone if open_call else ""
    if request.method == "POST":
        form = CallRequestForm(request.POST, action=action, selected_zone=selected)
        if form.is_valid():
            try:
                call_request_submit(lead=lead, choice=form.choice())
            except CallRequestRefused:
                return _problem(request, "gone", 410)
            return redirect("calls:sent", token=token)
    else:
        form = CallRequestForm(initial=_initial(open_call), action=action, selected_zone=selected)
    context = {"form": form, "lead": lead, "open_call": open_call}
    return _private(render(request, "calls/request.html", context))


@never_cache
@require_safe
def request_sent(request: HttpRequest, token: str) -> HttpResponse:
    found = _lead_or_problem(request, token)
    if isinstance(found, HttpResponse):
        return found
    call = CallRequest.objects.filter(lead=found).order_by("-updated_at", "-pk").first()
    if call is None:
        return redirect("calls:request", token=token)
    zone = ZoneInfo(call.time_zone)
    second = call.second_choice
    context = {
        "call": call,
        "lead": found,
        "first_choice": timezone.localtime(call.first_choice, zone),
        "second_choice": timezone.localtime(second, zone) if second else None,
        "change_url": call_request_path(found.pk),
        "office_hours": settings.FIRM_OFFICE_HOURS,
    }
    return _private(render(request, "calls/sent.html", context))
