"""The whitepaper PDF is reachable only through a valid signed link (or by signed-in staff)."""

from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command

from assessment.links import DOWNLOAD_SALT
from assessment.models import Whitepaper
from leads.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db

SLUG = "career-or-job-focused"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_no_guessable_address_serves_the_pdf(client, settings):
    call_command("load_initial_content", stdout=StringIO())
    paper = Whitepaper.objects.get()
    name = paper.file.name  # e.g. whitepapers/dont-blow-it.pdf
    assert paper.file.storage.exists(name)
    other_salt = signing.dumps(1, salt="something-else")
    attempts = [
        f"/media/{name}",
        f"/media/../private/{name}",
        f"/media/%2e%2e/private/{name}",
        f"/static/{name}",
        f"/{name}",
        f"/private/{name}",
        f"/assessment/{SLUG}/download/1/",
        f"/assessment/{SLUG}/download/{signing.dumps(1)}/",  # signed, but not for downloads
        f"/assessment/{SLUG}/download/{other_salt}/",
        f"/assessment/{SLUG}/download/{unsubscribe_token(1)}/",  # another link of the site
        f"/assessment/{SLUG}/download/{signing.dumps('1', salt=DOWNLOAD_SALT)}/",
        f"/admin/assessment/whitepaper/{paper.pk}/download/",  # staff only
    ]
    for path in attempts:
        response = client.get(path)
        assert response.status_code in (301, 302, 400, 403, 404, 410), path
        assert not body(response).startswith(b"%PDF"), path
