"""The admin home's "Your leads" figures: what a recruiter opens the admin to see."""

from django import template

from leads.models import Lead, today_start

register = template.Library()


@register.simple_tag(takes_context=True)
def lead_work(context: template.Context) -> dict[str, int] | None:
    user = context["request"].user
    if not user.has_perm("leads.view_lead"):
        return None
    return Lead.objects.work_counts(user_id=user.pk, today_start=today_start())
