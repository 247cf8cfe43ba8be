"""Load the content the site starts with. Safe to run again at any time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.initial_content import load_articles


class Command(BaseCommand):
    help = "Create the initial articles (and, as they land, the quiz, emails and whitepaper)."

    def handle(self, *args, **options):
        with transaction.atomic():
            report = load_articles()
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Initial content is in place."))
