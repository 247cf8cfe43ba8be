"""Write the site's content (no personal data) as JSON, for import_content elsewhere."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from operations.content.format import ContentError
from operations.content.transfer import content_export


class Command(BaseCommand):
    help = (
        "Write articles, quizzes with their whitepapers, and the follow-up emails as JSON"
        " (to standard output, or --output FILE). No leads or other personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="write to this file instead of the output")

    def handle(self, *args, output=None, **options):
        try:
            text = json.dumps(content_export(), indent=2)
        except ContentError as error:
            raise CommandError(f"Nothing was exported: {error}") from error
        if output:
            # It holds the private whitepaper: only the owner may read it.
            try:
                descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.fchmod(descriptor, 0o600)  # an existing file keeps its mode otherwise
                with open(descriptor, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
            except OSError as error:
                raise CommandError(f"Can't write {output}: {error.strerror or error}.") from error
            self.stderr.write(f"Content written to {output}.")
        else:
            self.stdout.write(text)
