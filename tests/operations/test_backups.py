"""The backup and restore commands of docs/operating.md, run exactly as written there.

Each test makes a scratch folder that looks like the project folder to the commands
(`.venv` and `manage.py` link to the real ones), a database of its own with the initial
content, then: back up, change the data, restore, and the data is back.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

from devtools import postgres_server
from tests import docs_text

# The commands run in processes of their own; the PostgreSQL one also starts a cluster.
pytestmark = [pytest.mark.subprocess, pytest.mark.timeout(300)]

OPERATING = docs_text.DOCS / "operating.md"
CONTENT_MODELS = ["articles.article", "assessment.assessment", "leads.followupstep"]
EXAMPLE_NAME = r"backups/site-\d{4}-\d{2}-\d{2}\.(?:sqlite3|dump)"


DEPLOYED_ENV_FILE = "/etc/site/site.env"


def documented_commands() -> dict[str, str]:
    """The Backups code blocks of docs/operating.md, by the program each one runs (the one
    loading the deployed host's settings as "environment")."""
    section = docs_text.section(OPERATING, "Backups")
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    named = {}
    for block in blocks:
        for program in ("backup_sqlite", "restore_sqlite", "pg_dump", "pg_restore", "tar"):
            if re.search(rf"\b{program}\b", block):
                named[program] = block
        if DEPLOYED_ENV_FILE in block:
            named["environment"] = block
    assert len(named) == 6, f"expected six command blocks under Backups, found {list(named)}"
    return named


SITE_SETTINGS = {"DATABASE_URL", "PRIVATE_MEDIA_ROOT", "MEDIA_ROOT", "REDIS_URL", "LOG_LEVEL"}


class Site:
    """The scratch project folder, as on a deployed host: its settings (the database, the
    folders) are in its own site.env, which every command loads with the documented line."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        env_file = folder / "site.env"
        settings_file = {
            "DATABASE_URL": database_url,
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "MEDIA_ROOT": str(folder / "media"),
            "REDIS_URL": "redis://127.0.0.1:9/0",  # none: the cache just misses
            "LOG_LEVEL": "ERROR",
        }
        env_file.write_text("".join(f"{name}={value}\n" for name, value in settings_file.items()))
        self.env = {name: value for name, value in os.environ.items() if name not in SITE_SETTINGS}
        self.load_settings = documented_commands()["environment"].replace(
            DEPLOYED_ENV_FILE, str(env_file)
        )
        (folder / ".venv").symlink_to(Path(sys.prefix))
        (folder / "manage.py").symlink_to(Path(settings.BASE_DIR) / "manage.py")

    def sh(self, script: str) -> str:
        result = subprocess.run(  # noqa: S603 - the documented commands
            ["bash", "-euo", "pipefail", "-c", f"{self.load_settings}\n{script}"],  # noqa: S607
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def manage(self, *args: str) -> str:
        return self.sh(" ".join([".venv/bin/python", "manage.py", *args]))

    def content(self) -> list:
        return json.loads(self.manage("dumpdata", *CONTENT_MODELS))

    def change_everything(self) -> None:
        self.manage(
            "shell",
            "-c",
            "'from articles.models import Article; from leads.models import FollowUpStep;"
            ' Article.objects.update(title="Changed after the backup");'
            ' Article.objects.create(title="New", slug="new", standfirst="s", body="<p>b</p>");'
            " FollowUpStep.objects.all().delete()'",
        )

    def backup_named_as_in(self, command: str, made: Path) -> None:
        """Give the backup the example name the documented restore command uses."""
        example = self.folder / re.search(EXAMPLE_NAME, command).group(0)
        if made != example:
            made.rename(example)


def round_trip(site: Site, backup: str, restore: str, pattern: str) -> str:
    """Back up, change, restore, and the content is back; returns what restore said."""
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("load_initial_content")
    before = site.content()
    assert {row["model"] for row in before} == set(CONTENT_MODELS)

    site.sh(backup)
    made = list(site.folder.glob(pattern))
    assert len(made) == 1 and made[0].stat().st_size > 0, made
    site.change_everything()
    assert site.content() != before
    site.backup_named_as_in(restore, made[0])
    said = site.sh(restore)

    assert site.content() == before
    return said


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "project"


def test_sqlite_backup_and_restore_as_documented(folder):
    folder.mkdir()
    site = Site(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    commands = documented_commands()
    said = round_trip(
        site, commands["backup_sqlite"], commands["restore_sqlite"], "backups/*.sqlite3"
    )
    # The database as it was before the restore (with the changes) is kept beside it.
    (safety,) = folder.glob("db.sqlite3.before-restore-*")
    assert f"saved in {safety}" in said
    assert "Start the site again." in said and "migrate" not in said
    with closing(sqlite3.connect(safety)) as kept:
        titles = {title for (title,) in kept.execute("SELECT title FROM articles_article")}
    assert titles == {"Changed after the backup", "New"}


def test_restoring_a_backup_older_than_the_code_says_to_migrate(folder):
    folder.mkdir()
    site = Site(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    site.manage("migrate", "contenttypes", "--noinput", "-v", "0")
    site.manage("backup_sqlite", "old.sqlite3")
    site.manage("migrate", "--noinput", "-v", "0")
    assert "run `manage.py migrate`" in site.manage("restore_sqlite", "old.sqlite3")


def test_a_backup_that_cannot_be_written_is_a_clear_error(folder):
    """Root ignores folder permissions, so the folder is under a plain file: mkdir fails."""
    folder.mkdir()
    site = Site(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    site.manage("migrate", "contenttypes", "--noinput", "-v", "0")
    (folder / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(
        AssertionError, match=r"Could not back up to notes\.txt/site\.sqlite3"
    ) as error:
        site.manage("backup_sqlite", "notes.txt/site.sqlite3")
    assert "Traceback" not in str(error.value)
    assert "Nothing was written" in str(error.value)


def test_a_broken_backup_is_refused_and_the_sqlite_database_left_alone(folder):
    folder.mkdir()
    site = Site(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("load_initial_content")
    before = site.content()
    (folder / "broken.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    (folder / "empty.sqlite3").write_bytes(b"")
    for bad, message in [
        ("broken.sqlite3", "is not a SQLite database"),
        ("empty.sqlite3", "no django_migrations table"),
        ("missing.sqlite3", "There is no backup file"),
    ]:
        with pytest.raises(AssertionError, match=message):
            site.manage("restore_sqlite", bad)
    assert site.content() == before
    site.manage("backup_sqlite", "once.sqlite3")
    with pytest.raises(AssertionError, match="already exists"):
        site.manage("backup_sqlite", "once.sqlite3")


def test_the_files_archive_holds_the_whitepaper_and_the_images(folder):
    folder.mkdir()
    site = Site(folder, f"sqlite:///{folder / 'db.sqlite3'}")
    (folder / "private" / "whitepapers").mkdir(parents=True)
    (folder / "private" / "whitepapers" / "dont-blow-it.pdf").write_bytes(b"%PDF-1.4 paper")
    (folder / "media" / "articles" / "hero").mkdir(parents=True)
    (folder / "media" / "articles" / "hero" / "hero.png").write_bytes(b"png")
    site.sh(documented_commands()["tar"])
    (archive,) = folder.glob("backups/files-*.tar.gz")
    inside = str(folder).lstrip("/")  # the folders by their full paths, from site.env
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        paper = tar.extractfile(f"{inside}/private/whitepapers/dont-blow-it.pdf").read()
    assert paper == b"%PDF-1.4 paper"
    assert f"{inside}/media/articles/hero/hero.png" in names


def _postgres() -> dict | None:
    database = settings.DATABASES["default"]
    return database if database["ENGINE"].endswith("postgresql") else None


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    """A database of its own: on the test server when this run is on PostgreSQL, otherwise
    on a throwaway cluster of its own (the one `make e2e-prod` uses), so the PostgreSQL
    commands are tested in the SQLite run too wherever PostgreSQL is installed."""
    if _postgres() is None:
        try:
            postgres_server.postgres_bin()
        except RuntimeError as missing:
            pytest.skip(f"PostgreSQL backup: {missing}")
        with postgres_server.running() as server:
            yield server.url
        return

    import psycopg

    database = _postgres()
    server = {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"],
    }
    name = f"backup_test_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{server['user']}:{server['password']}@" if server["user"] else ""
    yield f"postgres://{auth}{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.integration
def test_postgresql_backup_and_restore_as_documented(folder, scratch_postgres):
    folder.mkdir()
    site = Site(folder, scratch_postgres)
    commands = documented_commands()
    round_trip(site, commands["pg_dump"], commands["pg_restore"], "backups/*.dump")
