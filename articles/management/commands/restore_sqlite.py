"""Put a backup from backup_sqlite back in place of the SQLite database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from site_project.sqlite_backup import BackupError, sqlite_restore


class Command(BaseCommand):
    help = (
        "Restore the SQLite database from a backup_sqlite file (checked first). Stop the web"
        " processes and Celery workers before running it."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")

    def handle(self, *args, file: str, **options):
        try:
            sqlite_restore(source=Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the database from {file}. Start the site again.")
