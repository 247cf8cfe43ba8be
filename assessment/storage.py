"""Private file storage: the whitepaper and the personal reports live here, never under a
public URL.

Which storage that is comes from STORAGES["private"] (site_project/private_storage.py):
this folder by default, or an S3-compatible bucket (assessment/storage_s3.py).
"""

import logging
import os
from contextlib import contextmanager
from typing import cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string

PRIVATE_STORAGE_ALIAS = "private"

logger = logging.getLogger(__name__)


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT, read at use so tests can move it."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a checked view.")


class ConfiguredPrivateStorage(LazyObject):
    """The storage STORAGES["private"] names, made from the settings as they are now.

    Not through django's `storages` registry: the model field asks for this while models
    are imported, and that registry would then hold on to STORAGES as it was at that moment.
    """

    def _setup(self):
        config = settings.STORAGES[PRIVATE_STORAGE_ALIAS]
        self._wrapped = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


_private = ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    """Made again when STORAGES changes (tests), as Django does with its own storages."""
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> Storage:
    """A callable, so migrations record the function, not a path on this machine."""
    return cast(Storage, _private)  # a LazyObject, standing in for the storage it makes


class PrivateStorageUnavailable(Exception):
    """The private storage didn't answer: a bucket out of reach, a failing disk.

    Told apart from a missing file so visitors get "try again shortly" (503), not a 404,
    and never a 500.
    """


@contextmanager
def _storage_errors(name: str, *, doing: str):
    """FileNotFoundError passes through (a 404); any other storage error is logged and
    becomes PrivateStorageUnavailable (a 503), whatever the storage's own exceptions."""
    try:
        yield
    except FileNotFoundError:
        raise
    except Exception as exc:
        logger.exception("Storage could not %s %s", doing, name)
        raise PrivateStorageUnavailable(str(exc)) from exc


def private_file_stream(field_file, *, body=True):
    """(content, size) of a private file, all the storage I/O that can fail before a
    response starts done here: FileNotFoundError when it isn't there,
    PrivateStorageUnavailable when the storage can't deliver it (logged).

    A bucket's object is streamed as it is read (its first chunk already in hand), and
    without `body` (HEAD) only its size is asked; a local file is an open handle.
    """
    storage = field_file.storage
    with _storage_errors(field_file.name, doing="deliver"):
        if hasattr(storage, "object_stream"):  # a bucket: assessment/storage_s3.py
            return storage.object_stream(field_file.name, body=body)
        size = storage.size(field_file.name)
        return storage.open(field_file.name, "rb"), size


def private_file_open(field_file):
    """A stored file (the PDF, or an article's image) open for reading, for the content
    export: raises as private_file_stream does."""
    with _storage_errors(field_file.name, doing="open"):
        return field_file.storage.open(field_file.name, "rb")


def private_file_response(field_file, *, filename: str, body=True) -> FileResponse:
    """The private file as a PDF attachment; raises as private_file_stream does, so
    callers answer a missing or unreachable file before anything is sent or recorded."""
    content, size = private_file_stream(field_file, body=body)
    response = FileResponse(content, content_type="application/pdf")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def private_file_save(storage: Storage, name: str, content) -> str:
    """Store a file made by the site (the personal report); returns the name it got.
    Raises PrivateStorageUnavailable (logged) when the storage can't take it."""
    with _storage_errors(name, doing="save"):
        return storage.save(name, content)


def private_file_exists(field_file) -> bool | None:
    """True or False, or None when the storage can't be reached (logged)."""
    try:
        return field_file.storage.exists(field_file.name)
    except Exception:
        logger.exception("Private storage could not check %s", field_file.name)
        return None
