from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Call requests"

    def ready(self) -> None:
        from leads import hooks

        from . import checks  # noqa: F401 - registers the system check
        from .admin import LeadCallRequestInline
        from .lead_work import call_statuses, score_parts, timeline_entries
        from .links import call_email_context
        from .previews import email_samples
        from .services import (
            call_requests_erase,
            call_requests_personal_data,
            follow_ups_stop_for_booked_call,
        )

        # What leads shows, erases and holds back for a lead's call requests, without
        # importing calls.
        hooks.PERSONAL_DATA_EXPORTERS.register(call_requests_personal_data)
        hooks.PERSONAL_DATA_ERASERS.register(call_requests_erase)
        hooks.LEAD_ADMIN_INLINES.register(LeadCallRequestInline)
        hooks.EMAIL_CONTEXT.register(call_email_context)
        hooks.EMAIL_PREVIEW_SAMPLES.register(email_samples)
        hooks.FOLLOW_UP_STOPPERS.register(follow_ups_stop_for_booked_call)
        hooks.LEAD_TIMELINE_ENTRIES.register(timeline_entries)
        hooks.LEAD_SCORE_PARTS.register(score_parts)
        hooks.LEAD_CALL_STATUS.register(call_statuses)
