"""The chat message (Slack or Teams) about a new call request: enough for the team to act,
and nothing a channel should keep. No email address, phone number or message: those stay in
the admin, behind the link."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from crm_webhooks.chat import ChatNotice
from leads.models import Lead

from .models import CallRequest


def call_request_chat_notice(call: CallRequest, *, lead: Lead) -> ChatNotice:
    due = timezone.localtime(call.due_at)  # the firm's zone (TIME_ZONE)
    recruiter = call.assigned_to
    title = "Call request updated" if call.times_sent > 1 else "New call request"
    return ChatNotice(
        title=f"{title}: {lead.first_name or 'a visitor'}",
        facts=(
            ("Result", lead.segment or "no quiz result yet"),
            ("Call back by", f"{due:%a %d %b %Y, %H:%M} {due:%Z} ({settings.TIME_ZONE})"),
            ("Recruiter", _name(recruiter) if recruiter else "nobody yet: the team"),
        ),
        link_text="Open the request in the admin",
        link_url=settings.SITE_URL + reverse("admin:calls_callrequest_change", args=[call.pk]),
    )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
