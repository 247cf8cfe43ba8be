"""Private file storage: the whitepaper lives here, never under a public URL.

Which storage that is comes from STORAGES["private"] (site_project/private_storage.py):
this folder by default, or an S3-compatible bucket (assessment/storage_s3.py).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"


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
    """STORAGES["private"], looked up on first use rather than when models are imported,
    the way Django's default_storage is."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private = ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    """Django forgets its storages when STORAGES changes (tests); the proxy follows."""
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> ConfiguredPrivateStorage:
    """A callable, so migrations record the function, not a path on this machine."""
    return _private
