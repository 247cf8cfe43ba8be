"""The public share page of a result band and its Open Graph image.

What is shared is the band, never the visitor: the page and image are made per band, so
they can't carry a name, a score or an email. The image is cached (Redis) under a version
made from everything drawn on it, so editing a band's title or the firm's name makes a new
one, and its address changes with it (social sites cache images by address).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from .models import ResultBand
from .report_pdf import ReportContent, hex_rgb
from .share_image import share_image_png

IMAGE_CACHE_SECONDS = 30 * 24 * 3600


def _drawn(band: ResultBand) -> dict:
    return {
        "quiz_title": band.assessment.title,
        "band_title": band.title,
        "firm_name": settings.FIRM_NAME,
        "site_host": urlsplit(settings.SITE_URL).netloc or settings.SITE_URL,
        "primary": hex_rgb(settings.FIRM_COLOR_PRIMARY, ReportContent.primary),
        "accent": hex_rgb(settings.FIRM_COLOR_ACCENT, ReportContent.accent),
    }


def share_image_version(band: ResultBand) -> str:
    return hashlib.sha256(repr(sorted(_drawn(band).items())).encode()).hexdigest()[:12]


def share_image_bytes(band: ResultBand) -> bytes:
    """The band's PNG, drawn once per version and kept in the cache."""
    key = f"assessment:share-image:{band.pk}:{share_image_version(band)}"
    png = cache.get(key)
    if not isinstance(png, bytes):
        png = share_image_png(**_drawn(band))
        cache.set(key, png, IMAGE_CACHE_SECONDS)
    return png


def share_page_path(band: ResultBand) -> str:
    return reverse("assessment:share", kwargs={"slug": band.assessment.slug, "band_id": band.pk})


def share_image_url(band: ResultBand) -> str:
    """Absolute, as Open Graph wants; the version in the query makes an edited band's image
    a new address for the sites that cached the old one."""
    path = reverse(
        "assessment:share_image", kwargs={"slug": band.assessment.slug, "band_id": band.pk}
    )
    return f"{settings.SITE_URL}{path}?v={share_image_version(band)}"
