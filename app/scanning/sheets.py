"""Printable sheets for the dock: the scanner test sheet and the command sheet (A4/Letter-safe PDF).

Drawn with reportlab's own barcode widgets. The GS1-128 test code carries real FNC1 characters (reportlab
writes them as \\xf1), so a scanner set up right sends ASCII 29 between the lot and the serial.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.scanning.commands import COMMAND_LABELS
from app.scanning.diagnose import TEST_CODES, TestCode
from app.scanning.normalize import GS

_FNC1 = "\xf1"
_BAR_WIDTH = 0.38 * mm  # about 15 mil: reads from paper and from most screens
_BAR_HEIGHT = 16 * mm
_LEFT = 22 * mm


def _code128(data: str) -> Code128:
    return Code128(data, barWidth=_BAR_WIDTH, barHeight=_BAR_HEIGHT, humanReadable=False, quiet=True)


def _draw_test_code(canvas: Canvas, code: TestCode, y: float) -> None:
    if code.key == "ean13":
        drawing = createBarcodeDrawing("EAN13", value=code.data[:12], barWidth=_BAR_WIDTH, barHeight=_BAR_HEIGHT,
                                       humanReadable=True)
        renderPDF.draw(drawing, canvas, _LEFT, y)
        return
    data = _FNC1 + code.data.replace(GS, _FNC1) if code.key == "gs1" else code.data
    _code128(data).drawOn(canvas, _LEFT, y)


def _human(code: TestCode) -> str:
    if code.key == "gs1":  # the usual bracketed form: (01)…(17)…(10)…(21)…
        return "(01)04006381333931 (17)271130 (10)LOT42 (21)SN77"
    return code.data


def modules_of_test_code(code: TestCode) -> str:
    """The barcode's modules ("1" bar, "0" space, no quiet zone) for the wizard to draw on screen."""
    from barcode import EAN13, Code128
    from barcode.codex import Gs1_128

    if code.key == "ean13":
        return str(EAN13(code.data[:12]).build()[0])
    if code.key == "gs1":
        return str(Gs1_128(code.data.replace(GS, _FNC1)).build()[0])
    return str(Code128(code.data).build()[0])


def write_test_sheet(path: Path, station_id: str = "") -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    width, height = A4
    canvas.setTitle("Returns Desk scanner test sheet")
    canvas.setFont("Helvetica-Bold", 18)
    title = "Scanner test sheet" + (f" — station {station_id}" if station_id else "")
    canvas.drawString(_LEFT, height - 25 * mm, title)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(_LEFT, height - 32 * mm, "Press F2 (or scan CMD-SETUP) and scan each barcode when the screen "
                                               "asks for it.")
    y = height - 45 * mm
    for number, code in enumerate(TEST_CODES, start=1):
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(_LEFT, y, f"{number}. {code.title}")
        y -= _BAR_HEIGHT + 12 * mm
        _draw_test_code(canvas, code, y + 6 * mm)
        canvas.setFont("Courier", 9)
        canvas.drawString(_LEFT, y, _human(code))
        y -= 16 * mm
    canvas.showPage()
    canvas.save()
    return path


def write_command_sheet(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    width, height = A4
    canvas.setTitle("Returns Desk command barcodes")
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(_LEFT, height - 25 * mm, "Command barcodes")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(_LEFT, height - 32 * mm, "Scan one instead of pressing its key. Keep the sheet at the station.")
    rows = -(-len(COMMAND_LABELS) // 2)  # two columns: every command fits one A4 page
    for n, (command, label) in enumerate(COMMAND_LABELS.items()):
        x = _LEFT + (n // rows) * (width - 2 * _LEFT) / 2
        y = height - 45 * mm - (n % rows) * (_BAR_HEIGHT + 20 * mm)
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(x, y, label)
        y -= _BAR_HEIGHT + 8 * mm
        _code128(command.value).drawOn(canvas, x, y + 4 * mm)
        canvas.setFont("Courier", 9)
        canvas.drawString(x, y, command.value)
    canvas.showPage()
    canvas.save()
    return path
