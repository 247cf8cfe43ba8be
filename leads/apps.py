from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads and email"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the system check
            receivers,  # noqa: F401 - listens for providers' delivery webhooks
        )
