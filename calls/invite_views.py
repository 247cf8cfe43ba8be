"""The pages behind a call invitation's links: confirm, ask for another time, cancel.

Mail scanners open every link in an email, so opening a link never changes anything:
confirming and cancelling take a press of a button (a POST, with CSRF), which works with
JavaScript off. Asking for another time is the call-request form, filled in already.
"""

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from leads.tokens import LinkExpired, LinkTampered

from .forms import CallRequestForm
from .links import InviteLink, call_token, invite_link_loads
from .models import Call
from .phones import phone_display
from .services import (
    CallRequestRefused,
    call_cancel,
    call_confirm,
    call_confirm_state,
    call_reschedule_ask,
)
from .views import _initial, _private, _problem


def _call_or_problem(
    request: HttpRequest, action: str, token: str
) -> tuple[Call, InviteLink] | HttpResponse:
    try:
        link = invite_link_loads(action, token)
    except LinkExpired:
        return _problem(request, "expired", 410)
    except LinkTampered:
        return _problem(request, "tampered", 400)
    call = (
        Call.objects.select_related("request__lead", "request__assigned_to")
        .filter(pk=link.call_id)
        .first()
    )
    if call is None or call.request.lead.erased_at is not None:
        return _problem(request, "gone", 410)
    return call, link


def _page(request: HttpRequest, template: str, call: Call, **context: object) -> HttpResponse:
    zone = ZoneInfo(call.request.time_zone)
    context |= {
        "call": call,
        "lead": call.request.lead,
        "starts_at": timezone.localtime(call.starts_at, zone),
        "ends_at": timezone.localtime(call.ends_at, zone),
        "visitor_zone": call.request.time_zone,
        "phone": phone_display(call.request.phone),
    }
    return _private(render(request, template, context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invite_confirm(request: HttpRequest, token: str) -> HttpResponse:
    found = _call_or_problem(request, "confirm", token)
    if isinstance(found, HttpResponse):
        return found
    call, link = found
    if request.method == "POST":
        outcome = call_confirm(call=call, sequence=link.sequence)
    else:
        outcome = call_confirm_state(call=call, sequence=link.sequence)
    return _page(request, "calls/invite_confirm.html", call, outcome=outcome)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invite_cancel(request: HttpRequest, token: str) -> HttpResponse:
    found = _call_or_problem(request, "cancel", token)
    if isinstance(found, HttpResponse):
        return found
    call, _link = found
    already = call.status == Call.Status.CANCELLED
    if request.method == "POST" and not already:
        call = call_cancel(call=call, by_visitor=True)
        return _page(request, "calls/invite_cancel.html", call, done=True)
    return _page(request, "calls/invite_cancel.html", call, done=already)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invite_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    found = _call_or_problem(request, "reschedule", token)
    if isinstance(found, HttpResponse):
        return found
    call, _link = found
    lead = call.request.lead
    selected = call.request.time_zone
    if request.method == "POST":
        form = CallRequestForm(request.POST, action=request.path, selected_zone=selected)
        if form.is_valid():
            try:
                call_reschedule_ask(call=call, choice=form.choice())
            except CallRequestRefused:
                return _problem(request, "gone", 410)
            return redirect("calls:sent", token=call_token(lead.pk))
    else:
        initial = _initial(call.request)
        initial.pop("first_choice", None)  # a new time is the point: the old one is in the text
        initial.pop("second_choice", None)
        form = CallRequestForm(initial=initial, action=request.path, selected_zone=selected)
    context = {"form": form, "lead": lead, "booked_call": call, "open_call": None}
    if call.status != Call.Status.CANCELLED:
        zone = ZoneInfo(call.request.time_zone)
        context["booked_at"] = timezone.localtime(call.starts_at, zone)
    return _private(render(request, "calls/request.html", context))
