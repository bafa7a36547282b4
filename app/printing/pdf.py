"""PDF via reportlab: labels and slips from the same layout as ZPL (vector bars on the printer's dot grid),
and the tote manifest as a table."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.printing.documents import ManifestDoc
from app.printing.layout import Bars, Page, Rule, Text

# Helvetica's cap height is ~0.72 of the font size; ZPL font 0's character height includes the descender.
_FONT_SCALE = 0.95
_EDGE = 0.02  # dots


def render_pdf(page: Page) -> bytes:
    stock = page.stock
    dot = 72.0 / stock.dpi  # points per printer dot: every position below is a whole number of dots
    width_pt, height_pt = stock.width * dot, stock.height * dot
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width_pt, height_pt), invariant=True, pageCompression=0)
    canvas.setTitle("Returns Desk")
    canvas.setFillColor(colors.black)
    canvas.setStrokeColor(colors.black)
    for element in page.elements:
        if isinstance(element, Text):
            font = "Helvetica-Bold" if element.bold else "Helvetica"
            size = element.height * dot * _FONT_SCALE
            text = element.text
            max_width = (stock.width - element.x) * dot
            while text and stringWidth(text, font, size) > max_width:  # never run off the page
                text = text[:-2] + "…"
            canvas.setFont(font, size)
            canvas.drawString(element.x * dot, height_pt - (element.y + element.height * 0.8) * dot, text)
        elif isinstance(element, Bars):
            top = height_pt - (element.y + element.height) * dot
            for x, width in element.runs():
                # A hair inside the dot grid: float rounding must never widen a bar onto the next dot.
                canvas.rect((x + _EDGE) * dot, top, (width - 2 * _EDGE) * dot, element.height * dot, stroke=0, fill=1)
        elif isinstance(element, Rule):
            canvas.rect(element.x * dot, height_pt - (element.y + element.thickness) * dot,
                        element.width * dot, element.thickness * dot, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_manifest_pdf(doc: ManifestDoc) -> bytes:
    """A Letter page list: what is in the tote, for whoever receives it."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=letter, title=f"Manifest {doc.tote}", invariant=True,
                            leftMargin=0.6 * inch, rightMargin=0.6 * inch, topMargin=0.6 * inch,
                            bottomMargin=0.6 * inch)
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    story = [
        Paragraph(f"Tote manifest {_xml(doc.tote)}", styles["Title"]),
        Paragraph(f"{_xml(doc.disposition)} → {_xml(doc.destination)}", styles["Heading2"]),
        Paragraph(f"Station {_xml(doc.station)} · opened {_xml(doc.opened_at)} · closed {_xml(doc.closed_at)} "
                  f"by {_xml(doc.closed_by)}", cell),
        Spacer(1, 10),
    ]
    rows: list[list[object]] = [["#", "LPN", "Product", "Grade", "Est. value", "Scanned in"]]
    for number, line in enumerate(doc.lines, start=1):
        rows.append([str(number), line.lpn, Paragraph(_xml(line.product), cell), line.grade,
                     _money(line.value_cents), "yes" if line.confirmed else "NO"])
    count = f"{len(doc.lines)} item" + ("" if len(doc.lines) == 1 else "s")
    rows.append(["", count, "", "", _money(doc.value_cents), ""])
    table = Table(rows, colWidths=[0.35 * inch, 1.45 * inch, 2.9 * inch, 0.6 * inch, 1.0 * inch, 1.0 * inch],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (4, 0), (4, -1), "RIGHT"),
    ]))
    story.append(table)
    pdf.build(story)
    return buffer.getvalue()


def _money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def _xml(text: str) -> str:
    """Paragraph text is mini-XML: product names must not be read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
