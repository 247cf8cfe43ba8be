from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        from leads import hooks

        from . import checks  # noqa: F401 - registers the system check
        from .admin import LeadSubmissionInline
        from .exports import submissions_personal_data
        from .lead_work import score_parts, timeline_entries
        from .previews import email_samples
        from .segments import segment_choices
        from .services import submissions_erase

        # What leads needs from the quiz without importing it (leads/hooks.py).
        hooks.SEGMENT_CHOICES.register(segment_choices)
        hooks.PERSONAL_DATA_EXPORTERS.register(submissions_personal_data)
        hooks.PERSONAL_DATA_ERASERS.register(submissions_erase)
        hooks.LEAD_ADMIN_INLINES.register(LeadSubmissionInline)
        hooks.EMAIL_PREVIEW_SAMPLES.register(email_samples)
        hooks.LEAD_TIMELINE_ENTRIES.register(timeline_entries)
        hooks.LEAD_SCORE_PARTS.register(score_parts)
