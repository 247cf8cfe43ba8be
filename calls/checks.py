"""A typo in FIRM_BUSINESS_HOURS or FIRM_HOLIDAYS stops the site at start-up, not at the
first call request."""

from django.conf import settings
from django.core import checks

from .business_hours import business_hours_parse, holidays_parse


@checks.register()
def business_hours_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        business_hours_parse(settings.FIRM_BUSINESS_HOURS, zone=settings.TIME_ZONE)
    except (ValueError, KeyError) as exc:
        errors.append(checks.Error(str(exc), id="calls.E001", hint="See docs/calls.md#settings."))
    try:
        holidays_parse(settings.FIRM_HOLIDAYS)
    except ValueError as exc:
        errors.append(checks.Error(str(exc), id="calls.E002", hint="See docs/calls.md#settings."))
    return errors
