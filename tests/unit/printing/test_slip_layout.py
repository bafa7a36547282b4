"""The slip prints every reason (the why) in full on 4x6, A6 and Letter: wrapped, smaller when long, continued
on further pages when very long; all text inside the page, nothing over the barcode, and every page scans."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from app.printing.documents import SlipDoc
from app.printing.fonts import text_width
from app.printing.layout import REASON_SIZES, Bars, Page, Text, reason_lines, slip_pages, slip_stock
from app.printing.pdf import render_pdf
from app.printing.png import render_png
from app.printing.zpl import render_zpl
from tests.print_helpers import decode, decode_png, rasterize_pdf

LPN = "LP-D01-0000042"
FORMATS = ["4x6", "A6", "Letter"]
RULE = ("Rule {i} (opened-box-complete): the outer box was opened but the inner seal is intact, every accessory "
        "listed on the packing card is present, and the serial number matches the RMA, so the item is restocked")


def slip(reasons: tuple[str, ...], checklist: int = 30) -> SlipDoc:
    return SlipDoc(LPN, "Bay R1 - back to stock", "USB-C cable 2m", "EL-CBL-0069", "B - very good",
                   "Restock (sell as new)", reasons, tuple(f"Question {i}? Yes" for i in range(checklist)),
                   "Changed mind", "RMA100001", "Dana Worker", "2026-11-20 10:00", "D01", "TOTE-D01-00001")


def long_reasons(count: int) -> tuple[str, ...]:
    extra = ("Grund: Verpackung beschädigt — Zubehör vollständig",
             "原因：包装已打开但配件齐全，序列号与退货单一致，可以重新上架销售",
             "Seriennummer" + "X" * 90)  # a word wider than the line must break, not run off
    return tuple(RULE.format(i=i) for i in range(count)) + extra


def boxes(page: Page) -> list[tuple[str, int, int, float, int]]:
    return [(e.text, e.x, e.y, e.x + text_width(e.text, e.height, e.bold), e.y + e.height)
            for e in page.elements if isinstance(e, Text)]


def assert_inside_and_apart(page: Page) -> None:
    texts = boxes(page)
    bars = next(e for e in page.elements if isinstance(e, Bars))
    for text, left, top, right, bottom in texts:
        assert 0 <= left and right <= page.stock.width and 0 <= top and bottom <= page.stock.height, text
        if text != LPN:  # the barcode's own text is under it
            assert bottom <= bars.y or top >= bars.y + bars.height, f"{text!r} runs into the barcode"
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"{a[0]!r} overlaps {b[0]!r}"


def pdf_pages(pdf: bytes) -> list[tuple[str, list[tuple[float, float, float, float]], float, float]]:
    """Per page: its text, every character's box, and the page size (points)."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in document:
            text = page.get_textpage()
            count = text.count_chars()
            out.append((text.get_text_range(), [text.get_charbox(i) for i in range(count)], page.get_width(),
                        page.get_height()))
        return out
    finally:
        document.close()


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_few_reasons_print_whole_at_full_size_with_the_checklist(fmt):
    reasons = ("Screen scratched (rule R3)", "Customer reason matches the defect")
    pages = slip_pages(slip(reasons, checklist=4), slip_stock(fmt, 203))
    assert len(pages) == 1
    texts = [e for e in pages[0].elements if isinstance(e, Text)]
    bullets = [t for t in texts if t.text.startswith("• ")]
    assert [t.text[2:] for t in bullets] == list(reasons)
    assert {t.height for t in bullets} == {round(REASON_SIZES[0] * min(pages[0].stock.width / 812,
                                                                       pages[0].stock.height / 1218))}
    assert [t.text for t in texts if t.text.startswith("Question")] == [f"Question {i}? Yes" for i in range(4)]
    assert_inside_and_apart(pages[0])


def test_longer_reasons_shrink_before_they_continue():
    stock = slip_stock("4x6", 203)
    pages = slip_pages(slip(long_reasons(2)), stock)
    assert len(pages) == 1
    bullets = [e for e in pages[0].elements if isinstance(e, Text) and e.text.startswith("• ")]
    assert len(bullets) == 5 and REASON_SIZES[-1] <= bullets[0].height < REASON_SIZES[0]
    assert_inside_and_apart(pages[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reason_prints_in_full_inside_the_page(fmt):
    reasons = long_reasons(12 if fmt == "Letter" else 6)
    pages = slip_pages(slip(reasons), slip_stock(fmt, 203))
    assert len(pages) >= 2  # this much does not fit one page even at the smallest size
    for page in pages:
        assert_inside_and_apart(page)
    assert f"page 1 of {len(pages)}" in [t[0] for t in boxes(pages[0])]
    assert "why, continued" in boxes(pages[1])[0][0]
    pdf = render_pdf(*pages)
    read = pdf_pages(pdf)
    assert len(read) == len(pages)
    for text, chars, width, height in read:
        for left, bottom, right, top in chars:
            assert -0.5 <= left and right <= width + 0.5 and -0.5 <= bottom and top <= height + 0.5, text
    printed = [squash(text) for text, *_ in read]
    for reason in reasons:  # wrapped over lines, never cut, and kept on one page
        assert any(squash(reason) in page for page in printed), reason
    # Each page carries the LPN barcode, and it still scans; ZPL prints one label per page.
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            assert decode(page.render(scale=203 / 72).to_pil().convert("L")) == [LPN]
    finally:
        document.close()
    assert render_zpl(*pages).count(b"^XA") == len(pages)


def test_long_why_on_the_png_preview_shows_every_page():
    pages = slip_pages(slip(long_reasons(6)), slip_stock("4x6", 203))
    png = render_png(*pages)
    assert decode_png(png) == [LPN] * len(pages)
    assert decode(rasterize_pdf(render_pdf(pages[0]))) == [LPN]


def test_reason_lines_hang_under_the_bullet():
    [lines] = reason_lines((RULE.format(i=1),), 30, 740)
    assert lines[0][0].startswith("• ") and lines[0][1] == 0
    assert len(lines) > 2 and all(indent > 0 for _, indent in lines[1:])
    assert squash("".join(text for text, _ in lines)) == squash("• " + RULE.format(i=1))
