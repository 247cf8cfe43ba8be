from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from assessment import hooks
        from assessment.models import Assessment

        from .models import Article, Author
        from .reading import report_reading

        # The personal report's reading links (assessment/hooks.py).
        hooks.REPORT_READING.register(report_reading)
        # What an article page shows, kept between edits (content_cache.py): any save, from
        # the admin, an import or a script, makes the next render read the rows again.
        for model in (Article, Author, Assessment):
            for signal in (post_save, post_delete):
                signal.connect(_content_changed, sender=model, dispatch_uid=f"content-{model}")


def _content_changed(**kwargs: object) -> None:
    from .content_cache import content_generation_bump

    content_generation_bump()
