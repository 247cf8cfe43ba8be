"""The personal report "Your career-focus report", laid out as a PDF with fpdf2.

Pure layout: it takes what to say (ReportContent) and knows nothing of the database, so
it is tested and timed on its own. The chart is drawn with fpdf2's vector shapes, crisp
at any zoom and a few hundred bytes. DejaVu Sans is embedded (subset to the glyphs used),
so names such as "Zoë Ørsted-Nuñez" print as written, unlike the core PDF fonts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

TITLE = "Your career-focus report"
FONT = "DejaVu"
FONT_DIR = Path(__file__).resolve().parent / "fonts"

PAGE_FORMAT = "Letter"
MARGIN = 20  # mm, left, right and top; the footer sits in the bottom margin
BOTTOM = 22  # mm kept free at the foot of each page for the footer
FOOTER_FROM_BOTTOM = 14  # mm: where the footer line starts

INK = (29, 35, 42)
MUTED = (80, 88, 96)
TRACK = (226, 232, 236)
LINK = (11, 85, 163)

CHART_ROW = 11  # mm a sign takes: its name line and its bar
CHART_BAR = 3.2  # mm, the bar's height


@dataclass(frozen=True)
class Sign:
    """One of the eight signs for the chart."""

    name: str
    level: str
    percent: int


@dataclass(frozen=True)
class PlanStep:
    """What to do about one weak sign, and something to read about it."""

    name: str
    level: str
    step: str
    read_title: str = ""
    read_url: str = ""


@dataclass(frozen=True)
class Firm:
    name: str
    email: str
    phone: str
    hours: str
    address: str
    contact_url: str


@dataclass(frozen=True)
class ReportContent:
    first_name: str
    taken_on: str  # the date, already in words
    quiz_title: str
    band_title: str
    band_summary: str
    score_line: str
    percent: int  # where the total sits in the possible range, for the meter
    signs: Sequence[Sign]
    strongest_name: str
    strongest_text: str
    plan: Sequence[PlanStep]
    firm: Firm
    primary: tuple[int, int, int] = (11, 85, 99)
    accent: tuple[int, int, int] = (242, 177, 52)


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in mm from the top left: where the chart was drawn."""

    page: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int
    chart: Box


def hex_rgb(value: str, fallback: tuple[int, int, int]) -> tuple[int, int, int]:
    """'#0b5563' as (11, 85, 99); the fallback for anything else (a setting's typo)."""
    digits = value.strip().lstrip("#")
    if len(digits) != 6:
        return fallback
    try:
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    except ValueError:
        return fallback


class _ReportPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-FOOTER_FROM_BOTTOM)
        self.set_font(FONT, size=8.5)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.footer_text}  ·  page {self.page_no()} of {{nb}}", align="C")


def report_pdf(content: ReportContent) -> RenderedReport:
    """The whole report: usually two pages, the result and chart first, then the plan."""
    pdf = _ReportPDF(format=PAGE_FORMAT)
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.footer_text = f"{content.firm.name}  ·  {TITLE}"
    pdf.set_title(TITLE)
    pdf.set_author(content.firm.name)  # no personal data in the metadata
    pdf.set_lang("en-US")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM)
    pdf.add_page()

    _header(pdf, content)
    _result(pdf, content)
    chart = _chart(pdf, content)
    _strongest(pdf, content)
    _plan(pdf, content)
    _contact(pdf, content)
    return RenderedReport(pdf=bytes(pdf.output()), pages=pdf.pages_count, chart=chart)


def _heading(pdf: FPDF, text: str, content: ReportContent, *, size: float = 14) -> None:
    # Keep a heading with at least a few lines of what follows it.
    if pdf.will_page_break(size * 0.6 + 24):
        pdf.add_page()
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*content.primary)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN")
    pdf.ln(2)


def _body(pdf: FPDF, text: str, *, size: float = 10.5, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.52, text, align="L", new_x="LMARGIN")


def _header(pdf: FPDF, content: ReportContent) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*content.primary)
    pdf.cell(0, 5, content.firm.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(*content.accent)
    pdf.rect(pdf.l_margin, pdf.get_y() + 1, pdf.epw, 1.2, style="F")
    pdf.ln(7)
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*content.primary)
    pdf.multi_cell(0, 11, TITLE, align="L", new_x="LMARGIN")
    pdf.ln(1)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 6.5, f"Prepared for {content.first_name}", align="L", new_x="LMARGIN")
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0, 5.5, f"Taken on {content.taken_on}  ·  {content.quiz_title}", align="L", new_x="LMARGIN"
    )
    pdf.ln(5)


def _result(pdf: FPDF, content: ReportContent) -> None:
    _heading(
        pdf,
        f"Your result: {content.band_title}" if content.band_title else "Your result",
        content,
        size=16,
    )
    if content.band_summary:
        _body(pdf, content.band_summary, size=11)
        pdf.ln(2)
    _body(pdf, content.score_line)
    pdf.ln(2)
    # The meter: where the total sits between the lowest and highest possible.
    y = pdf.get_y()
    pdf.set_fill_color(*TRACK)
    pdf.rect(pdf.l_margin, y, pdf.epw, 4, style="F", round_corners=True, corner_radius=1.5)
    filled = max(pdf.epw * content.percent / 100, 3)
    pdf.set_fill_color(*content.accent)
    pdf.rect(pdf.l_margin, y, filled, 4, style="F", round_corners=True, corner_radius=1.5)
    pdf.set_y(y + 5)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.epw / 2, 4, "Job focused")
    pdf.cell(pdf.epw / 2, 4, "Career focused", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _chart(pdf: FPDF, content: ReportContent) -> Box:
    _heading(pdf, "Your eight signs", content)
    _body(pdf, "A longer bar leans further towards career focus.", size=9.5)
    pdf.ln(2)
    height = CHART_ROW * len(content.signs)
    if pdf.will_page_break(height):
        pdf.add_page()
    top, left, width = pdf.get_y(), pdf.l_margin, pdf.epw
    for i, sign in enumerate(content.signs):
        y = top + i * CHART_ROW
        pdf.set_xy(left, y)
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*INK)
        pdf.cell(width * 0.7, 5, sign.name)
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width * 0.3, 5, sign.level, align="R")
        bar_y = y + 5.6
        pdf.set_fill_color(*TRACK)
        pdf.rect(left, bar_y, width, CHART_BAR, style="F", round_corners=True, corner_radius=1)
        pdf.set_fill_color(*content.primary)
        filled = max(width * sign.percent / 100, 2)
        pdf.rect(left, bar_y, filled, CHART_BAR, style="F", round_corners=True, corner_radius=1)
    pdf.set_xy(left, top + height + 4)
    return Box(page=pdf.page_no(), x=left, y=top, w=width, h=height)


def _strongest(pdf: FPDF, content: ReportContent) -> None:
    if not content.strongest_name:
        return
    _heading(pdf, f"Your strongest sign: {content.strongest_name.lower()}", content)
    _body(pdf, content.strongest_text)
    pdf.ln(5)


def _plan(pdf: FPDF, content: ReportContent) -> None:
    if not content.plan:
        return
    _heading(pdf, "Your plan", content)
    _body(pdf, "One step for each sign with room to grow, weakest first.", size=9.5)
    pdf.ln(3)
    for number, step in enumerate(content.plan, start=1):
        if pdf.will_page_break(26):
            pdf.add_page()
        _body(pdf, f"{number}. {step.name} ({step.level.lower()})", size=11, bold=True)
        pdf.ln(1)
        _body(pdf, step.step)
        if step.read_url:
            pdf.ln(1)
            pdf.set_font(FONT, "", 10)
            pdf.set_text_color(*MUTED)
            pdf.write(5.5, "Read: ")
            pdf.set_text_color(*LINK)
            pdf.set_font(FONT, "B", 10)
            pdf.write(5.5, step.read_title, link=step.read_url)
            pdf.ln(5.5)
        pdf.ln(4)


def _contact(pdf: FPDF, content: ReportContent) -> None:
    firm = content.firm
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.ln(2)
    _heading(pdf, "Talk it through with a recruiter", content)
    _body(
        pdf,
        f"{firm.name} places people in solar and clean energy. A conversation is free, "
        "confidential and without obligation: nothing reaches your employer.",
    )
    pdf.ln(2)
    lines: list[tuple[str, str, str]] = [("Email", firm.email, f"mailto:{firm.email}")]
    if firm.phone:
        lines.append(("Phone", firm.phone, "tel:" + "".join(firm.phone.split())))
    if firm.hours:
        lines.append(("Hours", firm.hours, ""))
    lines.append(("Online", firm.contact_url, firm.contact_url))
    if firm.address:
        lines.append(("Post", firm.address, ""))
    for label, value, link in lines:
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(*MUTED)
        pdf.cell(22, 5.5, label)
        pdf.set_font(FONT, "", 10)
        pdf.set_text_color(*(LINK if link else INK))
        pdf.multi_cell(0, 5.5, value, link=link or None, align="L", new_x="LMARGIN")
