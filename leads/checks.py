"""A system check that the functions and classes other apps hook into leads can be imported.

They are named by dotted path, so a typo would otherwise surface only when it is used:
a GDPR erasure or the daily retention run failing, or a lead's page giving a 500.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

HOOK_SETTINGS = (
    "LEADS_SEGMENT_CHOICES",
    "LEADS_PERSONAL_DATA_EXPORTERS",
    "LEADS_PERSONAL_DATA_ERASERS",
    "LEADS_LEAD_ADMIN_INLINES",
    "LEADS_EMAIL_PREVIEW_SAMPLES",
)


@register()
def hooks_import(app_configs=None, **kwargs):
    errors = []
    for name in HOOK_SETTINGS:
        value = getattr(settings, name, [])
        for path in [value] if isinstance(value, str) else value:
            try:
                import_string(path)
            except ImportError as exc:
                errors.append(
                    Error(
                        f"{name} names {path!r}, which can't be imported: {exc}",
                        hint="Fix the dotted path in the setting, or remove it.",
                        id="leads.E001",
                    )
                )
    return errors
