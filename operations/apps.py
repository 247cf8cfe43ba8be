from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What spans the apps: initial content, content export/import, backups, staff groups.

    It sits at the top of the layers, so it may import every app and none imports it.
    """

    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check
