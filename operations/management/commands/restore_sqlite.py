"""Put a backup from backup_sqlite back in place of the SQLite database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from operations.sqlite_backup import BackupError, sqlite_restore


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
            safety = sqlite_restore(source=Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if safety:
            self.stdout.write(f"The database as it was before is saved in {safety}.")
        self.stdout.write(f"Restored the database from {file}.")
        if self.unapplied_migrations():
            self.stdout.write(
                "The backup is older than the code: run `manage.py migrate`, then start the site."
            )
        else:
            self.stdout.write("Start the site again.")

    def unapplied_migrations(self) -> list:
        """Migrations the code has and the restored database lacks."""
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
