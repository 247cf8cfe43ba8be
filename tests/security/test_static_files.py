"""Static files in production: hashed names, compressed copies and long cache headers."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path):
    """The site's own files (static/), collected as production collects them.

    Bootstrap's and the admin's files are left out: compressing them too took 30 s. The
    whole collection runs with the production settings in tests/devtools/test_bench.py.
    """
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [settings.BASE_DIR / "static"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
    return settings.STATIC_ROOT


def test_hashed_files_are_cached_for_a_year_and_sent_compressed(collected):
    hashed = next(collected.glob("css/site.*.css"))
    assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", hashed.name)
    assert hashed.with_name(hashed.name + ".gz").exists()
    client = Client()  # a new handler: WhiteNoise reads STATIC_ROOT when it starts
    response = client.get(f"/static/css/{hashed.name}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    cache = response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))
    assert max_age >= 31536000
    assert "immutable" in cache
    assert response["Content-Encoding"] in {"gzip", "br"}
