"""The admin home's "Call requests" figures, for the people who call visitors back."""

from django import template
from django.utils import timezone

from calls.models import CallRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def call_work(context: template.Context) -> dict[str, int] | None:
    """None for staff who don't work leads (editors), so they see no box."""
    user = context["request"].user
    if not (user.has_perm("leads.change_lead") and user.has_perm("calls.view_callrequest")):
        return None
    return CallRequest.objects.work_counts(user_id=user.pk, now=timezone.now())
