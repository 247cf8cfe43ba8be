"""QR codes as SVG drawn on the server: no JavaScript, no image service, no inline style."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(data: str) -> str:
    """An inline <svg> (black modules on white, a quiet zone around) that scales with CSS."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(
        scale=1, border=4, dark="#000", light="#fff", svgclass="two-step-qr", omitsize=True
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the data is only our URL, escaped
