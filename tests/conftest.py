"""Shared test setup.

Unit tests run Celery eagerly and cache in memory, so each test stands alone. Tests that
need real parts (Redis, a Celery worker, SMTP, Chromium) get them from fixtures here and
in tests/integration and tests/e2e.
"""

import pytest

from devtools import redis_server
from site_project.celery import app as celery_app

# Unmarked tests may not start processes or connect to servers: see tests/markers_guard.py.
pytest_plugins = ["tests.markers_guard"]


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """A private cache, media folders (the private one local) and plain static storage."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{tmp_path.name}",
        }
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # The local folder whatever PRIVATE_STORAGE says; tests/integration/test_s3_storage.py
        # switches to a bucket.
        "private": {"BACKEND": "assessment.storage.PrivateStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.SITE_URL = "https://careers.example.com"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.INSIGHTS_BUFFER_URL = ""  # events straight to the database; see tests/insights
    settings.PAGE_CACHE_URL = ""  # no edge cache; tests/articles/test_edge_cache.py turns it on
    # No sending caps and an always-open window, so a test's outcome never hangs on the time of
    # day; tests/leads/test_send_window.py and tests/integration/test_pace.py test them.
    settings.EMAIL_PACE_URL = ""
    settings.FOLLOW_UP_SEND_WINDOW = (0, 24)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; integration tests switch this off."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file, not shared-cache memory.

    Integration tests write from several threads (a Celery worker, racing senders); in
    shared-cache memory SQLite answers "table is locked" at once instead of waiting.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(scope="session")
def redis_process():
    """A real Redis server on a free loopback port, for the whole test session."""
    process = redis_server.start()
    yield process
    process.stop()
