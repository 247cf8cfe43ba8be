"""A system check that every hook point leads offers is filled in, with the right shape.

Without it a missing or misshapen registration would surface only when it is used: a GDPR
erasure or the daily retention run failing, or a lead's page giving a 500.
"""

from django.core.checks import Error, register

from .hooks import HOOK_POINTS


@register()
def hooks_registered(app_configs=None, **kwargs):
    return [
        Error(
            f"leads hook: {problem}.",
            hint="Register it from the providing app's AppConfig.ready() "
            "(see leads/hooks.py and docs/architecture.md).",
            id="leads.E001",
        )
        for point in HOOK_POINTS
        for problem in point.problems()
    ]
