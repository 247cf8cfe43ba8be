"""Write the site's content (no personal data) as JSON, for import_content elsewhere."""

import json

from django.core.management.base import BaseCommand

from site_project.content_transfer import content_export


class Command(BaseCommand):
    help = (
        "Write articles, quizzes with their whitepapers, and the follow-up emails as JSON"
        " (to standard output, or --output FILE). No leads or other personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="write to this file instead of the output")

    def handle(self, *args, output=None, **options):
        text = json.dumps(content_export(), indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Content written to {output}.")
        else:
            self.stdout.write(text)
