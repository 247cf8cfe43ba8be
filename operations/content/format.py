"""The content file's format, shared by each app's part of export_content/import_content.

A file is one JSON object: {"format": FORMAT, "version": VERSION, "exported_at": ...} plus
one list per kind of content. Files (PDFs, images) travel inside it as base64. Every
problem found is collected with where it is ("articles[2].title: ..."), so a bad file is
answered with a list of what to fix, never a traceback, and nothing is saved.
"""

import base64
import binascii
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction

from assessment.storage import private_file_open

logger = logging.getLogger(__name__)

FORMAT = "solar-careers-content"
VERSION = 1

# What a value in the file may be, by the name of its kind (for messages).
TEXT, NUMBER, YES_NO, LIST, FILE_OR_NONE, TEXT_OR_NONE = (
    ("text", (str,)),
    ("a whole number", (int,)),
    ("true or false", (bool,)),
    ("a list", (list,)),
    ("a file object or null", (dict, type(None))),
    ("text or null", (str, type(None))),
)
FILE_KEYS = {"name", "base64"}


class ContentError(Exception):
    """The file can't be imported; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def shape_problems(record, shape: dict[str, tuple], where: str) -> list[str]:
    """Missing and unknown keys, and values of the wrong kind (JSON types only)."""
    if not isinstance(record, dict):
        return [f"{where}: expected an object with {', '.join(shape)}."]
    problems = [f"{where}: missing '{key}'." for key in shape if key not in record]
    problems += [f"{where}: unknown key '{key}'." for key in record if key not in shape]
    for key, (kind, types) in shape.items():
        value = record.get(key)
        if key in record and (
            not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
        ):
            problems.append(f"{where}.{key}: expected {kind}, got {type(value).__name__}.")
        elif isinstance(value, str) and "\x00" in value:  # no database stores it
            problems.append(f"{where}.{key}: contains a NUL character.")
    return problems


def records(
    data: dict, key: str, shape: dict[str, tuple], problems: list[str]
) -> list[tuple[str, dict]]:
    """The list `key` of the file, shape-checked: (where, record) for each well-formed one."""
    rows = data.get(key)
    if not isinstance(rows, list):
        problems.append(f"{key}: expected a list.")
        return []
    good = []
    for n, row in enumerate(rows):
        found = shape_problems(row, shape, f"{key}[{n}]")
        problems += found
        if not found:
            good.append((f"{key}[{n}]", row))
    return good


def file_export(field_file, owner: str) -> dict | None:
    """A stored file as {"name", "base64"}, or None when there is none.

    A file missing from storage, or storage out of reach, is a ContentError naming the
    record (`owner`, e.g. "articles 'x'"), the field and the file, not a traceback.
    """
    if not field_file:
        return None
    where = f"{owner}: {field_file.field.name} '{field_file.name}'"
    try:
        with private_file_open(field_file) as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise ContentError([f"{where} is missing from storage."]) from error
    except Exception as error:  # PrivateStorageUnavailable, or a read that fails midway
        raise ContentError([f"{where} could not be read from storage ({error})."]) from error
    return {
        "name": PurePosixPath(field_file.name).name,
        "base64": base64.b64encode(content).decode("ascii"),
    }


def file_decode(value: dict | None, where: str, problems: list[str]) -> ContentFile | None:
    """The file a {"name", "base64"} object carries, or None; problems are collected."""
    if value is None:
        return None
    found = shape_problems(value, {"name": TEXT, "base64": TEXT}, where)
    if found:
        problems += found
        return None
    name = PurePosixPath(value["name"].replace("\\", "/")).name
    if not name or name in {".", ".."}:
        problems.append(f"{where}.name: a file name is needed.")
        return None
    try:
        content = base64.b64decode(value["base64"], validate=True)
    except (binascii.Error, ValueError):
        problems.append(f"{where}.base64: not valid base64.")
        return None
    return ContentFile(content, name=name)


def image_decode(value, where: str, problems: list[str]):
    """A file from the content file that Pillow opens as an image, as an upload would be."""
    content = file_decode(value, where, problems)
    if content is None:
        return None
    try:
        forms.ImageField().clean(content)
    except ValidationError as error:
        problems += [f"{where}: {message}" for message in error.messages]
        return None
    content.seek(0)
    return content


def validation_problems(error: ValidationError, where: str) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{where}.{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [f"{where}: {message}" for message in error.messages]


@dataclass
class ImportRun:
    """What one import did, and the files it wrote (removed again if it fails)."""

    report: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[tuple] = field(default_factory=list)  # (storage, name)
    after_commit: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    committed: bool = False

    def note(self, line: str) -> None:
        self.report.append(line)

    def save(self, instance: models.Model, where: str) -> None:
        """Validate like a form would, then save; a refusal stops the whole import."""
        try:
            instance.full_clean()
        except ValidationError as error:
            raise ContentError(validation_problems(error, where)) from error
        instance.save()

    def file_replace(self, field_file, content: ContentFile | None, where: str) -> bool:
        """Put `content` in the field unless it already holds the same bytes.

        Returns whether it changed. The old file is deleted only after the import commits.
        Storage that fails is a ContentError (so the import stops and is rolled back).
        """
        old_name = field_file.name or ""
        if content is None:
            if not old_name:
                return False
            field_file.name = None
        else:
            if old_name and _same_bytes(field_file, content, where):
                return False
            try:
                field_file.save(content.name, content, save=False)
            except Exception as error:  # a full disk, a bucket refusing writes
                logger.exception("Import could not store %s", content.name)
                raise ContentError([f"{where}: could not be stored ({error})."]) from error
            self.written.append((field_file.storage, field_file.name))
        if old_name and old_name != field_file.name:  # the same name: the old file was gone
            storage = field_file.storage
            self.after_commit.append(
                (f"delete the replaced file '{old_name}'", lambda: storage.delete(old_name))
            )
        return True

    def forget_written_files(self) -> None:
        """Remove what this import stored; one failure doesn't stop the others."""
        for storage, name in self.written:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Import could not remove %s after a failure", name)

    def commit_hooks(self) -> None:
        """Run the hooks once the import commits; one that fails is logged and reported as
        a warning: the import has committed, so it must not look (or be undone) as failed."""
        transaction.on_commit(lambda: setattr(self, "committed", True))
        for what, hook in self.after_commit:
            transaction.on_commit(functools.partial(self._run, what, hook), robust=True)

    def _run(self, what: str, hook: Callable[[], None]) -> None:
        try:
            hook()
        except Exception as error:
            logger.exception("After the import committed, could not %s", what)
            self.warnings.append(f"Imported, but could not {what} ({error}).")


def _same_bytes(field_file, content: ContentFile, where: str) -> bool:
    content.seek(0)
    try:
        with private_file_open(field_file) as handle:
            return handle.read() == content.read()
    except FileNotFoundError:
        return False  # missing from storage: write it again
    except Exception as error:  # PrivateStorageUnavailable, or a read that fails midway
        raise ContentError([f"{where}: the stored file could not be read ({error})."]) from error
    finally:
        content.seek(0)


def matched_by_slug[M: models.Model](
    model: type[M], rows: list[dict]
) -> Iterator[tuple[dict, M, bool]]:
    """Each row with the object of the same slug here, or a new unsaved one: (row, obj, new)."""
    existing = model._default_manager.in_bulk([row["slug"] for row in rows], field_name="slug")
    for row in rows:
        obj = existing.get(row["slug"]) or model(slug=row["slug"])
        yield row, obj, obj.pk is None


def outcome(kind: str, slug: str, created: bool, changed: bool) -> str:
    return f"{kind} '{slug}' {'created' if created else 'updated' if changed else 'unchanged'}."


def fields_update(instance: models.Model, values: dict) -> bool:
    """Set the fields that differ; True when any did (so unchanged rows are not saved)."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed
