"""export_content/import_content when storage misbehaves: clear answers, no lost files."""

import base64
import io
import json
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from assessment.models import Whitepaper
from assessment.storage import PrivateStorage
from tests.factories import make_pdf_bytes
from tests.operations.test_content_round_trip import SEED_ARTICLE, build_site, export, open_temp


def _with_new_pdf(data: dict) -> str:
    pdf = base64.b64encode(make_pdf_bytes("version two")).decode()
    data["whitepapers"][0]["file"] = {"name": "new.pdf", "base64": pdf}
    return json.dumps(data)


def _import(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with open_temp(text) as path:
        call_command("import_content", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_replaced_pdf_is_deleted_only_once_the_import_has_committed(
    django_capture_on_commit_callbacks,
):
    build_site()
    text = _with_new_pdf(export())
    storage = Whitepaper.objects.get().file.storage
    old = Whitepaper.objects.get().file.name
    with django_capture_on_commit_callbacks() as callbacks:
        _import(text)
    new = Whitepaper.objects.get().file.name
    assert new != old
    assert storage.exists(old) and storage.exists(new)  # not committed yet: both kept
    for callback in callbacks:
        callback()
    assert not storage.exists(old) and storage.exists(new)


@pytest.mark.django_db(transaction=True)
def test_a_delete_failing_after_the_commit_keeps_the_new_pdf_and_warns(monkeypatch):
    """The rows point at the new PDF once committed: it must never be removed then."""
    build_site()
    text = _with_new_pdf(export())
    old = Whitepaper.objects.get().file.name

    def refuse(self, name):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(PrivateStorage, "delete", refuse)
    out, err = _import(text)

    paper = Whitepaper.objects.get()
    assert paper.file.name != old
    assert paper.file.read() == make_pdf_bytes("version two")
    assert "Content imported." in out
    assert f"Warning: Imported, but could not delete the replaced file '{old}'" in err


@pytest.mark.django_db
def test_exporting_with_a_file_missing_from_storage_names_it():
    build_site()
    hero = Article.objects.get(slug=SEED_ARTICLE).hero_image
    hero.storage.delete(hero.name)
    with pytest.raises(CommandError) as refusal:
        export()
    assert str(refusal.value) == (
        f"Nothing was exported: articles '{SEED_ARTICLE}': hero_image '{hero.name}'"
        " is missing from storage."
    )


@pytest.mark.django_db
def test_exporting_with_storage_out_of_reach_names_the_file(monkeypatch):
    build_site()
    paper = Whitepaper.objects.get()

    def unreachable(self, name, mode="rb"):
        raise ConnectionError("bucket unreachable")

    monkeypatch.setattr(PrivateStorage, "_open", unreachable)
    with pytest.raises(CommandError, match=r"could not be read from storage") as refusal:
        export()
    assert f"whitepapers '{paper.slug}': file '{paper.file.name}'" in str(refusal.value)


@pytest.mark.django_db
def test_the_export_file_is_readable_by_its_owner_only(tmp_path):
    build_site()
    target = tmp_path / "content.json"
    target.write_text("old")
    target.chmod(0o644)
    call_command("export_content", "--output", str(target), stderr=io.StringIO())
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert json.loads(target.read_text())["whitepapers"][0]["file"]["base64"]
