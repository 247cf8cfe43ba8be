"""The personal report's pages as a reader sees them: rendered to PNG by poppler's pdftoppm
(Debian's poppler-utils), then checked pixel by pixel: the chart is drawn where the layout
says, and nothing spills into the margins, also with a very long name and summary."""

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from assessment.initial_content import ASSESSMENT_SLUG
from assessment.models import Assessment, Submission
from assessment.report_pdf import MARGIN, RenderedReport, hex_rgb, report_pdf
from assessment.reports import report_content
from tests.assessment.walk import DETAILS, answer_all, details_url

pytestmark = [pytest.mark.django_db, pytest.mark.subprocess]

DPI = 72
MM = DPI / 25.4  # pixels per millimetre
EDGE_MM = 8  # what a printer can't print: nothing at all here, footer included
INK = 200  # a channel below this is ink, not paper or anti-aliasing haze


@pytest.fixture
def submission(client) -> Submission:
    call_command("load_initial_content", stdout=io.StringIO())
    quiz = Assessment.objects.get(slug=ASSESSMENT_SLUG)
    answer_all(client, quiz, value=2)
    client.post(details_url(quiz), DETAILS | {"first_name": "Zoë Ørsted-Nuñez"})
    return Submission.objects.get()


def render(pdf: bytes, folder: Path) -> list[Image.Image]:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: apt-get install poppler-utils"
    (folder / "report.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 - poppler from PATH, fixed arguments
        [pdftoppm, "-r", str(DPI), "-png", str(folder / "report.pdf"), str(folder / "page")],
        check=True,
        timeout=60,
    )
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("page-*.png"))]


def inked(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """How many pixels in the box (in mm) carry ink."""
    left, top, right, bottom = (round(v * MM) for v in box)
    region = image.crop((left, top, right, bottom)).convert("L")
    return sum(count for value, count in enumerate(region.histogram()) if value < INK)


def assert_laid_out(rendered: RenderedReport, pages: list[Image.Image]) -> None:
    assert len(pages) == rendered.pages == len(PdfReader(io.BytesIO(rendered.pdf)).pages)
    for number, page in enumerate(pages, start=1):
        width, height = page.width / MM, page.height / MM
        assert round(width) == 216 and round(height) == 279  # US Letter
        side = MARGIN - 1  # the text column starts at MARGIN; glyphs may overhang a little
        assert inked(page, (0, 0, width, EDGE_MM)) == 0, f"top edge, page {number}"
        assert inked(page, (0, height - EDGE_MM, width, height)) == 0, f"foot, page {number}"
        assert inked(page, (0, 0, side, height)) == 0, f"left margin, page {number}"
        assert inked(page, (width - side, 0, width, height)) == 0, f"right margin, page {number}"
    chart = rendered.chart
    page = pages[chart.page - 1]
    box = (chart.x, chart.y, chart.x + chart.w, chart.y + chart.h)
    area = chart.w * chart.h * MM * MM
    assert inked(page, box) > 0.15 * area  # the bars' tracks and fills, not only the names
    # The bars are in the brand colour: vector shapes, drawn, not text.
    primary = hex_rgb("#0b5563", (0, 0, 0))
    left, top, right, bottom = (round(v * MM) for v in box)
    region = page.crop((left, top, right, bottom))
    bar_pixels = sum(
        1
        for pixel in region.get_flattened_data()
        if all(abs(a - b) < 40 for a, b in zip(pixel, primary, strict=True))
    )
    assert bar_pixels > 0.02 * area


def test_the_served_report_keeps_to_its_margins_and_draws_the_chart(submission, client, tmp_path):
    html = client.get(f"/assessment/{ASSESSMENT_SLUG}/result/").content.decode()
    link = html.split(f'href="/assessment/{ASSESSMENT_SLUG}/report/')[1].split('"')[0]
    response = client.get(f"/assessment/{ASSESSMENT_SLUG}/report/{link}")
    served = b"".join(response.streaming_content)
    layout = report_pdf(report_content(submission))  # the same content: the same geometry
    assert len(served) == pytest.approx(len(layout.pdf), rel=0.02)
    assert_laid_out(dataclasses.replace(layout, pdf=served), render(served, tmp_path))


def test_a_long_name_and_summary_still_fit(submission, tmp_path):
    content = report_content(submission)
    content = dataclasses.replace(
        content,
        first_name="Maximiliana-Zoë Ørsted-Nuñez de la Cruz y Villaseñor-Wróblewska " + "Ł" * 30,
        band_title="Between the two, and leaning a long way towards career focus already",
        band_summary=" ".join([content.band_summary] * 6),
    )
    rendered = report_pdf(content)
    assert rendered.pages >= 2
    assert_laid_out(rendered, render(rendered.pdf, tmp_path))
