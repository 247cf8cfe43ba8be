"""A bad content file changes nothing and says what is wrong: never a traceback."""

import base64
import copy
import json
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from assessment.storage import PrivateStorage
from tests.factories import make_pdf_bytes
from tests.operations.test_content_round_trip import _snapshot, build_site, export, open_temp

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    """A site with content, its export, and a way to see that nothing changed."""
    build_site()
    data = export()
    before = _snapshot(settings)
    yield data
    assert _snapshot(settings) == before, "a refused import changed the site"


def refused(text: str) -> str:
    with open_temp(text) as path, pytest.raises(CommandError) as refusal:
        call_command("import_content", path)
    message = str(refusal.value)
    assert message.startswith("Nothing was imported. The file has problems:")
    return message


def edited(data: dict, change) -> str:
    data = copy.deepcopy(data)
    change(data)
    return json.dumps(data)


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def _article(data: dict, slug: str) -> dict:
    return next(a for a in data["articles"] if a["slug"] == slug)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "solar-careers-content", ', "The file is not valid JSON"),
        ("", "The file is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "The file is not valid JSON"),
        ("[1, 2]", 'its "format" should be "solar-careers-content"'),
        ('{"format": "wordpress", "version": 1}', 'its "format" should be'),
        (
            '{"format": "solar-careers-content", "version": 2}',
            "format version 2; this site reads version 1",
        ),
        ('{"format": "solar-careers-content"}', "format version None"),
    ],
)
def test_a_file_that_is_not_a_content_file_is_refused(site, text, message):
    assert message in refused(text)


def _pop(key):
    return lambda data: data.pop(key)


def _set(path, value):
    """data[path[0]][path[1]]... = value; path parts may be a slug (an article)."""

    def change(data):
        target = data
        for part in path[:-1]:
            target = _article(data, part[1:]) if str(part)[0] == "@" else target[part]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_pop("follow_ups"), "the file: missing 'follow_ups'."),
        (_set(["extra"], []), "the file: unknown key 'extra'."),
        (_set(["articles"], {}), "the file.articles: expected a list, got dict."),
        (lambda d: d["articles"][0].pop("title"), "articles[0]: missing 'title'."),
        (_set(["articles", 1, "colour"], "red"), "articles[1]: unknown key 'colour'."),
        (
            _set(["assessments", 0, "estimated_minutes"], "four"),
            "assessments[0].estimated_minutes: expected a whole number, got str.",
        ),
        (
            _set(["assessments", 0, "is_active"], 1),
            "assessments[0].is_active: expected true or false, got int.",
        ),
        (
            lambda d: d["assessments"][0]["questions"][2].pop("trait"),
            "assessments[0].questions[2]: missing 'trait'.",
        ),
        (
            lambda d: d["assessments"][0]["questions"][0]["choices"][1].update(value=1),
            "assessments[0].questions[0].choices: two answers have the same value.",
        ),
        (
            _set(["follow_ups", 0, "segments"], [3]),
            "follow_ups[0].segments: expected a list of result titles",
        ),
        (
            _set(["@second", "publish_at"], "2026-11-24 10:00"),
            ".publish_at: expected a date and time with its time zone.",
        ),
        (_set(["@second", "promotes"], "no-such-quiz"), "no assessment 'no-such-quiz'"),
        (_set(["assessments", 0, "whitepaper"], "gone"), "no whitepaper 'gone'"),
        (lambda d: d["articles"].append(d["articles"][0]), "appears 2 times"),
        (
            lambda d: d["assessments"][0]["questions"][0]["choices"][0].pop("order"),
            "assessments[0].questions[0].choices[0]: missing 'order'.",
        ),
        (_set(["follow_ups", 1, "body"], "Hello\x00"), "follow_ups[1].body: contains a NUL"),
        (_set(["articles", 0, "slug"], ["x"]), "articles[0].slug: expected text, got list."),
        (_set(["whitepapers", 0, "slug"], {}), "whitepapers[0].slug: expected text, got dict."),
        (_set(["assessments", 0, "slug"], None), "assessments[0].slug: expected text, got"),
    ],
)
def test_missing_unknown_and_wrong_fields_are_named(site, change, message):
    assert message in refused(edited(site, change))


def _pdf(value):
    return _set(["whitepapers", 0, "file"], value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_pdf({"name": "p.pdf", "base64": _b64(b"<html>hello</html>")}), "isn't a PDF"),
        (_pdf({"name": "p.pdf", "base64": _b64(b"%PDF-1.7\nbroken")}), "can't be opened"),
        (_pdf({"name": "p.pdf", "base64": "not base64!"}), "file.base64: not valid base64."),
        (_pdf({"name": "p.pdf"}), "whitepapers[0].file: missing 'base64'."),
        (_pdf(None), "whitepapers[0].file: the whitepaper's PDF is missing."),
        (
            _pdf({"name": "paper.exe", "base64": _b64(make_pdf_bytes("x"))}),
            "whitepapers[0].file: File extension “exe” is not allowed.",
        ),
        (
            _set(["whitepapers", 0, "cover_image"], {"name": "c.png", "base64": _b64(b"png?")}),
            "whitepapers[0].cover_image: Upload a valid image.",
        ),
    ],
)
def test_a_broken_pdf_or_image_is_refused(site, change, message):
    assert message in refused(edited(site, change))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["@second", "slug"], "Not a slug!"), "].slug: Enter a valid “slug”"),
        (_set(["@second", "status"], "archived"), "Value 'archived' is not a valid choice."),
        (_set(["@second", "title"], "x" * 201), "at most 200 characters"),
        (
            _set(["assessments", 0, "result_bands", 0, "max_score"], 30),
            "assessments[0].result_bands: ",
        ),
    ],
)
def test_a_refusal_found_while_saving_rolls_back_everything_saved_before_it(
    site, settings, change, message
):
    """The whitepaper (a new PDF), the quiz and other articles are saved before the bad
    row is reached; all of it, files included, is undone."""

    def new_pdf_and_titles_then(data):
        data["whitepapers"][0]["file"] = {"name": "new.pdf", "base64": _b64(make_pdf_bytes("v2"))}
        data["articles"][0]["title"] = "Changed"
        data["follow_ups"][0]["subject"] = "Changed"
        change(data)

    assert message in refused(edited(site, new_pdf_and_titles_then))


def test_several_problems_are_listed_together(site):
    def two(data):
        data["articles"][0].pop("body")
        data["whitepapers"][0]["file"]["base64"] = _b64(b"no")

    message = refused(edited(site, two))
    assert "articles[0]: missing 'body'." in message and "isn't a PDF" in message


def test_a_file_that_cannot_be_read_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"Can't read /no/such/file\.json: No such file"):
        call_command("import_content", "/no/such/file.json")


@pytest.mark.subprocess
def test_the_command_prints_the_problem_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "solar-careers-content", "version": 99}')
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "import_content", str(bad)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "CommandError: Nothing was imported." in result.stderr
    assert "format version 99; this site reads version 1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


class _BucketError(Exception):
    """What an S3 client raises: not an OSError."""


def _new_pdf(data):
    data["whitepapers"][0]["file"] = {"name": "new.pdf", "base64": _b64(make_pdf_bytes("v2"))}


def test_storage_refusing_the_new_pdf_is_a_clear_refusal(site, monkeypatch):
    def refuse(self, name, content):
        raise _BucketError("AccessDenied: PutObject")

    monkeypatch.setattr(PrivateStorage, "_save", refuse)
    message = refused(edited(site, _new_pdf))
    assert "whitepapers[0].file: could not be stored (AccessDenied: PutObject)." in message


def test_storage_failing_to_read_the_current_pdf_is_a_clear_refusal(site, monkeypatch):
    def unreachable(self, name, mode="rb"):
        raise _BucketError("AccessDenied: GetObject")

    monkeypatch.setattr(PrivateStorage, "_open", unreachable)
    message = refused(edited(site, _new_pdf))
    assert "whitepapers[0].file: the stored file could not be read" in message
