"""Uploaded photos made fit to serve: a phone's 4,000-pixel, 5 MB portrait shown at 48 px
would cost a reader on mobile data seconds, and its EXIF block can carry where and when it
was taken. Each photo is turned upright, cut and scaled to what the pages show, and saved
again without its metadata."""

from io import BytesIO
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

# Shown at 48 CSS px; 192 stays sharp on a 4x screen.
AVATAR_PX = 192
# Article images are at most 860 CSS px wide on the page; 1600 covers a 2x screen, and the
# 1,200 x 630 that social cards ask for.
WIDE_MAX_PX = 1600


def avatar_ready(photo: FieldFile) -> None:
    """A square, centred head-and-shoulders crop of AVATAR_PX, as a JPEG."""
    _replace(photo, lambda image: ImageOps.fit(image, (AVATAR_PX, AVATAR_PX)), as_jpeg=True)


def wide_image_ready(image_file: FieldFile) -> None:
    """At most WIDE_MAX_PX on its longer side, in its own format (a PNG keeps transparency)."""

    def shrink(image: Image.Image) -> Image.Image:
        image.thumbnail((WIDE_MAX_PX, WIDE_MAX_PX))
        return image

    _replace(image_file, shrink, as_jpeg=False)


def _replace(field_file: FieldFile, change, *, as_jpeg: bool) -> None:
    """Only a new upload (not yet saved to storage) is worked on: saving a row again leaves
    its stored photo alone."""
    if not field_file or getattr(field_file, "_committed", True):
        return
    field_file.seek(0)
    with Image.open(field_file) as original:
        kind = "JPEG" if as_jpeg or original.format not in ("PNG", "WEBP") else original.format
        image = change(ImageOps.exif_transpose(original))
        if kind == "JPEG" and image.mode != "RGB":
            image = image.convert("RGB")
        out = BytesIO()
        # No exif= or pnginfo=: Pillow writes none of the original's metadata.
        image.save(out, kind, **({"quality": 85, "optimize": True} if kind == "JPEG" else {}))
    stem = PurePath(field_file.name or "photo").stem
    suffix = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[kind]
    field_file.save(f"{stem}{suffix}", ContentFile(out.getvalue()), save=False)
