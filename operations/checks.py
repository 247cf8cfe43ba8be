"""A deploy check that the firm's real postal address replaced the example one.

Every page's footer and every email show FIRM_POSTAL_ADDRESS, and bulk-sender rules want a
real one. Only `check --deploy` runs it (CI and the example environment's test do), so
`migrate` and the throwaway production-shape runs are not held up by it.
"""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def postal_address_is_real(app_configs=None, **kwargs) -> list[Error]:
    address = settings.FIRM_POSTAL_ADDRESS.strip()
    if settings.DEBUG or address.casefold() != settings.EXAMPLE_POSTAL_ADDRESS.casefold():
        return []
    return [
        Error(
            f"FIRM_POSTAL_ADDRESS is the example address ({address}).",
            hint="Set FIRM_POSTAL_ADDRESS to the firm's postal address (docs/configuration.md).",
            id="operations.E001",
        )
    ]
