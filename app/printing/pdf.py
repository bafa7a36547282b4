"""PDF via reportlab: labels and slips from the same layout as ZPL (vector bars on the printer's dot grid),
and the tote manifest as a table. Text is drawn in the shipped fonts, embedded (subset) in the file, so any
script prints on any printer or viewer."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain.conditions import format_money
from app.printing.documents import ManifestDoc
from app.printing.fonts import BASELINE, BOLD, EM, REGULAR, STROKE, pdf_font, run_width, runs
from app.printing.layout import Bars, Page, Rule, Text

_EDGE = 0.02  # dots
_FILL, _FILL_STROKE = 0, 2  # PDF text render modes


def render_pdf(*pages: Page) -> bytes:
    """One PDF page per layout page, each the size of its stock."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, invariant=True, pageCompression=1)
    canvas.setTitle("Returns Desk")
    for page in pages:
        _draw_page(canvas, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _canvas(*args: Any, **kwargs: Any) -> Canvas:
    """A canvas whose initial font is a shipped one: otherwise reportlab lists Helvetica, not embedded."""
    kwargs["initialFontName"] = kwargs.get("initialFontName") or pdf_font(REGULAR[0].file)
    return Canvas(*args, **kwargs)


def _draw_page(canvas: Canvas, page: Page) -> None:
    stock = page.stock
    dot = 72.0 / stock.dpi  # points per printer dot: every position below is a whole number of dots
    height_pt = stock.height * dot
    canvas.setPageSize((stock.width * dot, height_pt))
    canvas.setFillColor(colors.black)
    canvas.setStrokeColor(colors.black)
    for element in page.elements:
        if isinstance(element, Text):
            _draw_text(canvas, element, dot, height_pt - (element.y + element.height * BASELINE) * dot)
        elif isinstance(element, Bars):
            top = height_pt - (element.y + element.height) * dot
            for x, width in element.runs():
                # A hair inside the dot grid: float rounding must never widen a bar onto the next dot.
                canvas.rect((x + _EDGE) * dot, top, (width - 2 * _EDGE) * dot, element.height * dot, stroke=0, fill=1)
        elif isinstance(element, Rule):
            canvas.rect(element.x * dot, height_pt - (element.y + element.thickness) * dot,
                        element.width * dot, element.thickness * dot, stroke=0, fill=1)


def _draw_text(canvas: Canvas, element: Text, dot: float, baseline: float) -> None:
    """Each run in its own font, one after the other on the baseline (the layout measured the same runs)."""
    size = element.height * EM * dot
    x = element.x * dot
    for run in runs(element.text, element.bold):
        canvas.setFont(pdf_font(run.cut.file), size)
        canvas.setLineWidth(size * STROKE)
        canvas.drawString(x, baseline, run.text, mode=_FILL_STROKE if run.cut.stroke else _FILL)
        x += run_width(run, size)


def render_manifest_pdf(doc: ManifestDoc) -> bytes:
    """A Letter page list: what is in the tote, for whoever receives it."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=letter, title=f"Manifest {doc.tote}", invariant=True,
                            leftMargin=0.6 * inch, rightMargin=0.6 * inch, topMargin=0.6 * inch,
                            bottomMargin=0.6 * inch)
    title, heading, cell = _styles()
    story = [
        Paragraph(_markup(f"Tote manifest {doc.tote}", bold=True), title),
        Paragraph(_markup(f"{doc.disposition} → {doc.destination}", bold=True), heading),
        Paragraph(_markup(f"Station {doc.station} · opened {doc.opened_at} · closed {doc.closed_at} "
                          f"by {doc.closed_by}"), cell),
        Spacer(1, 10),
    ]
    rows: list[list[object]] = [["#", "LPN", "Product", "Grade", "Est. value", "Scanned in"]]
    for number, line in enumerate(doc.lines, start=1):
        rows.append([str(number), line.lpn, Paragraph(_markup(line.product), cell), line.grade,
                     format_money(line.value_cents), "yes" if line.confirmed else "NO"])
    count = f"{len(doc.lines)} item" + ("" if len(doc.lines) == 1 else "s")
    rows.append(["", count, "", "", format_money(doc.value_cents), ""])
    table = Table(rows, colWidths=[0.35 * inch, 1.45 * inch, 2.9 * inch, 0.6 * inch, 1.0 * inch, 1.0 * inch],
                  repeatRows=1)
    regular, bold = pdf_font(REGULAR[0].file), pdf_font(BOLD[0].file)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 10),
        ("FONT", (0, 0), (-1, 0), bold, 10),
        ("FONT", (0, -1), (-1, -1), bold, 10),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (4, 0), (4, -1), "RIGHT"),
    ]))
    story.append(table)
    pdf.build(story, canvasmaker=_canvas)
    return buffer.getvalue()



def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """The sample styles' sizes and spacing in the shipped fonts instead of Helvetica."""
    sample = getSampleStyleSheet()
    regular, bold = pdf_font(REGULAR[0].file), pdf_font(BOLD[0].file)
    return (ParagraphStyle("ManifestTitle", parent=sample["Title"], fontName=bold),
            ParagraphStyle("ManifestHeading", parent=sample["Heading2"], fontName=bold),
            ParagraphStyle("ManifestCell", parent=sample["BodyText"], fontName=regular))


def _markup(text: str, bold: bool = False) -> str:
    """Paragraph mini-XML for catalog text: each run in the font that has its glyphs, in display order, and
    never read as markup."""
    return "".join(f'<font face="{pdf_font(run.cut.file)}">{_xml(run.text)}</font>' for run in runs(text, bold))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
