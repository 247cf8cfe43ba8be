"""Load a file from export_content: all of it, or nothing when anything is wrong."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.content.format import ContentError
from operations.content.transfer import content_import


class Command(BaseCommand):
    help = (
        "Create or update articles, quizzes, whitepapers and follow-up emails from a file"
        " written by export_content (matched by slug; safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file, or - for standard input")

    def handle(self, *args, file: str, **options):
        try:
            text = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Can't read {file}: {error.strerror or error}.") from error
        try:
            run = content_import(text)
        except ContentError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"Nothing was imported. The file has problems:\n{lines}") from error
        for line in run.report:
            self.stdout.write(line)
        for warning in run.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(self.style.SUCCESS("Content imported."))
