"""Every PDF and PNG template, rasterized at 203 dpi with a little blur, decodes to its LPN (or SSCC)."""

from __future__ import annotations

import pytest

from app.printing.code128 import gs1_128_sscc, sscc_check_digit
from app.printing.documents import LabelDoc, SlipDoc
from app.printing.layout import label_page, label_stock, slip_page, slip_stock
from app.printing.pdf import render_pdf
from app.printing.png import render_png
from tests.print_helpers import decode, decode_png, rasterize_pdf

LPN = "LP-D01-0000042"
HOSTILE = "USB-C cable ^XA~JA 2m"


def label(barcode: str = LPN, gs1: bool = False) -> LabelDoc:
    return LabelDoc(barcode, HOSTILE, "B · RESTOCK", "SKU EL-CBL-0069", "2026-11-20 · D01", gs1_sscc=gs1)


def slip() -> SlipDoc:
    return SlipDoc(LPN, "Bay R1 - back to stock", HOSTILE + " " * 3 + "x" * 80, "EL-CBL-0069", "B - very good",
                   "Restock (sell as new)", tuple(f"reason {i}" for i in range(12)),
                   tuple(f"Question {i}? Yes" for i in range(30)), "Changed mind", "RMA100001", "Dana Worker",
                   "2026-11-20 10:00", "D01", "TOTE-D01-00001")


@pytest.mark.parametrize("size", ["2x1", "4x6"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_label_pdf_and_png_scan_as_the_lpn(size, dpi):
    page = label_page(label(), label_stock(size, dpi))
    assert decode(rasterize_pdf(render_pdf(page))) == [LPN]
    assert decode_png(render_png(page)) == [LPN]


@pytest.mark.parametrize("fmt", ["4x6", "A6", "Letter"])
def test_slip_pdf_scans_as_the_lpn_even_when_the_text_overflows(fmt):
    page = slip_page(slip(), slip_stock(fmt, 203))
    assert decode(rasterize_pdf(render_pdf(page))) == [LPN]
    assert decode_png(render_png(page)) == [LPN]


def test_gs1_128_sscc_label_decodes_with_its_ai():
    import zxingcpp

    sscc = "0" + "4260731" + "000000042"
    sscc += sscc_check_digit(sscc)
    page = label_page(label(sscc, gs1=True), label_stock("4x6", 203))
    image = rasterize_pdf(render_pdf(page))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    assert len(results) == 1
    assert results[0].content_type == zxingcpp.ContentType.GS1
    assert results[0].text == f"(00){sscc}" == gs1_128_sscc(sscc).text


def test_pdf_bars_sit_on_whole_printer_dots():
    page = label_page(label(), label_stock("2x1", 203))
    image = rasterize_pdf(render_pdf(page), dpi=203)
    bars = next(e for e in page.elements if hasattr(e, "runs"))
    row = [image.getpixel((x, bars.y + bars.height // 2)) for x in range(image.width)]  # type: ignore[attr-defined]
    # At the printer's own resolution every pixel is fully black or fully white: no bar edge between dots.
    assert all(v < 40 or v > 215 for v in row)
    assert bars.module >= 2  # type: ignore[attr-defined]
