"""The Open Graph image for a shared result band: 1200 x 630 PNG, drawn with Pillow.

It shows the quiz and the band, nothing about a person: it is made per band, not per
visitor, so there is nothing personal it could hold. Pillow writes no text chunks unless
asked, and none are asked for.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .report_pdf import FONT_DIR

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn and X show large
PAD = 72
WHITE = (255, 255, 255)


@lru_cache(maxsize=8)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _lines(draw: ImageDraw.ImageDraw, text: str, font, width: int, most: int) -> list[str]:
    """Words wrapped to `width` pixels, at most `most` lines (the last one cut with …)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines


def share_image_png(
    *,
    quiz_title: str,
    band_title: str,
    firm_name: str,
    site_host: str,
    primary: tuple[int, int, int],
    accent: tuple[int, int, int],
) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), primary)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=accent)
    draw.text((PAD, PAD - 8), firm_name, font=_font(True, 30), fill=accent)

    y = PAD + 60
    small = _font(False, 36)
    for line in _lines(draw, quiz_title, small, WIDTH - 2 * PAD, 2):
        draw.text((PAD, y), line, font=small, fill=WHITE)
        y += 46
    y += 26
    draw.text((PAD, y), "One result:", font=_font(False, 34), fill=accent)
    y += 50
    # The band, as large as it fits in three lines.
    for size in (76, 64, 54, 46):
        big = _font(True, size)
        lines = _lines(draw, band_title, big, WIDTH - 2 * PAD, 3)
        if len(lines) <= 2 or size == 46:
            break
    for line in lines:
        draw.text((PAD, y), line, font=big, fill=WHITE)
        y += int(size * 1.2)

    call = f"Take the free quiz at {site_host}"
    draw.text((PAD, HEIGHT - PAD - 40), call, font=_font(False, 32), fill=WHITE)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
