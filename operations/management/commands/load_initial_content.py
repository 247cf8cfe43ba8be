"""Load the content the site starts with. Safe to run again at any time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.initial_content import load_articles, load_seed_author
from articles.models import Article
from articles.services import article_cache_clear
from assessment.initial_content import load_assessment, load_signs
from leads.initial_content import load_follow_ups
from operations.staff_groups import staff_groups_load

SEED_ARTICLE_PROMOTING_THE_QUIZ = "are-you-career-or-job-focused"


class Command(BaseCommand):
    help = (
        "Create the initial articles and their author, the quiz, its whitepaper and sign"
        " wording, the follow-up emails and the staff groups."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            assessment, report = load_assessment()
            report += load_articles(promotes=assessment)
            report += self._promote(assessment)
            report += load_seed_author()
            report += load_signs()
            report += load_follow_ups()
            report += staff_groups_load()
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Initial content is in place."))

    def _promote(self, assessment) -> list[str]:
        """The seed article promotes the quiz, unless staff already chose what it promotes."""
        article = Article.objects.filter(
            slug=SEED_ARTICLE_PROMOTING_THE_QUIZ, promotes__isnull=True
        ).first()
        if article is None:
            return []
        article.promotes = assessment
        article.save(update_fields=["promotes", "updated_at"])
        article_cache_clear(article=article)
        return [f"Article '{article.slug}' now promotes '{assessment.slug}'."]
