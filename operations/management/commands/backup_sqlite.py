"""Copy the SQLite database to a backup file, safely while the site runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.sqlite_backup import BackupError, sqlite_backup


class Command(BaseCommand):
    help = "Back up the SQLite database to a new file (SQLite's online backup, then a check)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write; it must not exist yet")

    def handle(self, *args, file: str, **options):
        try:
            size = sqlite_backup(target=Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {file} ({size // 1024} KB); integrity check: ok.")
