"""A typo in FIRM_BUSINESS_HOURS stops the site at start-up, not at the first call request."""

from django.conf import settings
from django.core import checks

from .business_hours import business_hours_parse


@checks.register()
def business_hours_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        business_hours_parse(settings.FIRM_BUSINESS_HOURS, zone=settings.TIME_ZONE)
    except (ValueError, KeyError) as exc:
        return [checks.Error(str(exc), id="calls.E001", hint="See docs/calls.md#settings.")]
    return []
