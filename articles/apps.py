from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from assessment import hooks

        from .reading import report_reading

        # The personal report's reading links (assessment/hooks.py).
        hooks.REPORT_READING.register(report_reading)
