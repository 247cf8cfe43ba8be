"""Back up and restore a SQLite database with SQLite's own online backup API.

Safe while the site runs (a plain `cp` of a database being written can copy a torn file),
and needs no `sqlite3` program: Python has the API built in.
"""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings


class BackupError(Exception):
    """Said to the operator as it is."""


def sqlite_database_path(alias: str = "default") -> Path:
    database = settings.DATABASES[alias]
    if not database["ENGINE"].endswith("sqlite3"):
        raise BackupError(
            "The database is not SQLite: for PostgreSQL use pg_dump and pg_restore "
            "(docs/operating.md, Backups)."
        )
    return Path(database["NAME"])


def _problems(path: Path) -> str | None:
    """None when `path` is a sound SQLite database of this site, else what is wrong."""
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        (result,) = db.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            return f"it fails SQLite's integrity check ({result})"
        migrations = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        return f"it is not a SQLite database ({error})"
    finally:
        db.close()
    return None if migrations else "it has no django_migrations table, so it is not this site's"


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source, timeout=20)
    dst = sqlite3.connect(target, timeout=20)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _checked_copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial)
        problem = _problems(partial)
        if problem:
            raise BackupError(f"The copy is not sound: {problem}.")
        os.replace(partial, target)  # the backup appears whole or not at all
    finally:
        partial.unlink(missing_ok=True)


def sqlite_backup(*, target: Path) -> int:
    """Copy the live database to a new file `target`; returns its size in bytes."""
    source = sqlite_database_path()
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new name, nothing was written.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _checked_copy(source, target)
        return target.stat().st_size
    except (OSError, sqlite3.Error) as error:
        # An unwritable folder, a full disk, a locked or unreadable database: said plainly.
        raise BackupError(
            f"Could not back up to {target}: {error}. Nothing was written."
        ) from error


def sqlite_restore(*, source: Path) -> Path | None:
    """Replace the database's contents with the backup `source`, once it checks out.

    The database as it was is backed up first, next to it, so a restore of the wrong file
    can be undone; returns that copy's path (None when there was no database yet).
    """
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    problem = _problems(source)
    if problem:
        raise BackupError(f"{source} can't be restored: {problem}. The database is unchanged.")
    database = sqlite_database_path()
    safety = None
    if database.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        safety = database.with_name(f"{database.name}.before-restore-{stamp}")
        try:
            sqlite_backup(target=safety)
        except BackupError as error:
            raise BackupError(f"{error} The database is unchanged.") from error
    try:
        _copy(source, database)
    except (OSError, sqlite3.Error) as error:
        kept = f" The database as it was is in {safety}." if safety else ""
        raise BackupError(f"Could not restore {source}: {error}.{kept}") from error
    return safety
