"""Catalog text in any script prints: every character has a glyph in the font chosen for it, the PDF embeds the
fonts, the preview draws real glyphs (not the empty box), barcodes still scan, and ZPL either transliterates
for font 0 or uses the printer's Unicode font."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from PIL import ImageFont

from app.config import Settings
from app.errors import ConfigError
from app.printing.documents import LabelDoc, ManifestDoc, ManifestLine
from app.printing.fonts import MISSING, coverage, display_order, font_file, runs
from app.printing.layout import label_page, label_stock
from app.printing.pdf import render_manifest_pdf, render_pdf
from app.printing.png import render_png
from app.printing.setup import print_setup, print_setup_from
from app.printing.zpl import font0_text, render_zpl
from tests.print_helpers import decode, decode_png, rasterize_pdf

LPN = "LP-D01-0000042"
NAMES = {
    "latin": "Crème brûlée “Deluxe” Straße-Kocher ½ l — Ærø",
    "greek": "Ασύρματα ακουστικά Ελληνικό προϊόν",
    "cyrillic": "Беспроводные наушники «Звук» чёрные",
    "hebrew": "אוזניות אלחוטיות שחורות",
    "arabic": "سماعات لاسلكية سوداء",
    "cjk": "无线蓝牙耳机 ワイヤレスイヤホン 무선 이어폰",
}
LEFT_TO_RIGHT = ("latin", "greek", "cyrillic", "cjk")


def label(title: str) -> LabelDoc:
    return LabelDoc(LPN, title, "B · RESTOCK", "SKU EL-CBL-0069", "2026-11-20 · D01")


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("script", NAMES)
def test_every_character_has_a_glyph_in_the_font_chosen_for_it(script, bold):
    drawn = runs(NAMES[script], bold)
    for run in drawn:
        missing = [c for c in run.text if ord(c) not in coverage(run.cut.file)]
        assert not missing, f"{run.cut.name} has no glyph for {missing}"
    assert MISSING not in "".join(run.text for run in drawn)
    # Nothing dropped on the way: as many letters drawn as given (Arabic joins letters, never loses one).
    letters = sum(c.isalpha() for c in NAMES[script])
    assert sum(c.isalpha() for run in drawn for c in run.text) == letters - (script == "arabic") * NAMES[
        script].count("لا")


def test_preview_draws_real_glyphs_not_the_empty_box():
    # Pillow draws what FreeType finds in the file: compare each glyph with the font's "no glyph" box.
    for script, name in NAMES.items():
        for run in runs(name, bold=True):
            font = ImageFont.truetype(str(font_file(run.cut.file)), 40)
            box = bytes(font.getmask("\ue000"))  # a private-use code point: no shipped font has it
            for char in set(run.text) - {" "}:
                assert bytes(font.getmask(char)) != box, f"{script}: {char!r} draws as a box"


def test_right_to_left_text_is_drawn_in_visual_order_and_arabic_letters_join():
    assert display_order("שלום 42") == "42 םולש"
    arabic = display_order("لا سلام")
    assert "\ufefb" in arabic  # lam-alef ligature
    assert all("\ufe70" <= c <= "\ufefc" or c == " " for c in arabic)  # every letter in its joined form
    assert display_order("Café") == "Café"


def test_chain_falls_back_per_run_and_marks_what_no_font_has():
    mixed = runs("无线 Kopfhörer 500 ml")
    assert [(r.cut.name, r.text) for r in mixed] == [("DroidSansFallback", "无线 "), ("DejaVuSans", "Kopfhörer 500 ml")]
    assert runs("\ue000")[0].text == MISSING  # private use: a visible mark, not an empty box
    assert runs("ＡＢ")[0].text == "ＡＢ"  # fullwidth forms: the CJK font has them
    assert "".join(r.text for r in runs("a\u200bb\x07c")) == "ab c"  # zero-width gone, control as space


@pytest.mark.parametrize("script", NAMES)
def test_pdf_embeds_the_fonts_and_the_barcode_still_scans(script):
    for size in ("2x1", "4x6"):
        page = label_page(label(NAMES[script]), label_stock(size, 203))
        pdf = render_pdf(page)
        assert b"/FontFile2" in pdf  # TrueType font program inside the file
        assert b"Helvetica" not in pdf
        assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans-Bold", pdf)  # a subset of the shipped font
        if script == "cjk":
            assert re.search(rb"/BaseFont /[A-Z]{6}\+DroidSansFallback", pdf)
        assert decode(rasterize_pdf(pdf)) == [LPN]
        assert decode_png(render_png(page)) == [LPN]


@pytest.mark.parametrize("script", LEFT_TO_RIGHT)
def test_pdf_text_reads_back_as_the_product_name(script):
    page = label_page(label(NAMES[script]), label_stock("4x6", 203))
    text = re.sub(r"\s", "", pdf_text(render_pdf(page)))
    first_words = "".join(NAMES[script].split()[:2])  # the title wraps over two lines and may be cut after
    assert first_words in text


def test_manifest_prints_any_script_in_embedded_fonts():
    lines = tuple(ManifestLine(f"LP-D01-000000{i}", name, "B", 1999, True) for i, name in enumerate(NAMES.values()))
    doc = ManifestDoc("TOTE-D01-00001", "Restock", "Bay R1 — Вернуть", "D01", "2026-11-20 09:00",
                      "2026-11-20 17:00", "Dana Wörker", lines)
    pdf = render_manifest_pdf(doc)
    assert b"Helvetica" not in pdf and b"/FontFile2" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DroidSansFallback", pdf)
    text = re.sub(r"\s", "", pdf_text(pdf))
    for script in ("latin", "greek", "cyrillic", "cjk"):
        assert NAMES[script].split()[0] in text
    assert "Вернуть" in text and "Wörker" in text


def zpl_fields(zpl: str) -> list[str]:
    fields = re.findall(r"\^FH_\^FD(.*?)\^FS", zpl)
    for field in fields:
        assert "^" not in field and "~" not in field
    return [re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), f.encode()).decode() for f in fields]


def test_zpl_without_a_unicode_font_transliterates_readably():
    assert font0_text("Беспроводные “Звук” — Straße 无线") == 'Besprovodnye "Zvuk" - Straße WuXian'
    zpl = render_zpl(label_page(label(NAMES["cyrillic"]), label_stock("2x1", 203))).decode("ascii")
    assert "^A@" not in zpl and "^PA" not in zpl
    title = zpl_fields(zpl)[0]
    assert title.startswith("Besprovodnye naushniki")
    assert all(ord(c) < 0x100 for field in zpl_fields(zpl) for c in field)  # what font 0 has
    # A long transliteration is cut to the label, never run off it.
    cjk = render_zpl(label_page(label(NAMES["cjk"] * 3), label_stock("2x1", 203))).decode("ascii")
    assert len(zpl_fields(cjk)[0]) <= int((406 - 2 * 8) / (22 * 0.56))


def test_zpl_with_a_unicode_font_sends_the_text_as_it_is():
    stock = label_stock("2x1", 203, "E:TT0003M_.TTF")
    hostile = "Наушники ^XA~JA _ ^FS"
    zpl = render_zpl(label_page(label(hostile), stock)).decode("ascii")
    assert zpl.startswith("^XA\n^CI28\n") and "\n^PA0,1,1,0\n" in zpl and zpl.count("^XA") == 1
    texts = re.findall(r"\^FO\d+,\d+(\^A[^^]*)\^FH_", zpl)
    assert texts and all(t.startswith("^A@N,") and t.endswith(",E:TT0003M_.TTF") for t in texts)
    assert hostile in zpl_fields(zpl)  # logical order: the printer lays out right-to-left text itself


def test_zpl_unicode_font_setting():
    setup = print_setup("files=file:/tmp/x", "files", "files", zpl_unicode_font=" e:tt0003m_.ttf ")
    assert setup.label.zpl_font == setup.slip.zpl_font == "E:TT0003M_.TTF"
    assert print_setup("files=file:/tmp/x", "files", "files").label.zpl_font == ""
    assert print_setup_from(Settings(zpl_unicode_font="R:NOTOSANS.TTF")).slip.zpl_font == "R:NOTOSANS.TTF"
    for bad in ("TT0003M_.TTF", "E:TT0003M_.TTF^XA", "E:../font.ttf", "E:font.otf"):
        with pytest.raises(ConfigError, match="zpl_unicode_font .* e.g. E:TT0003M_.TTF"):
            print_setup("files=file:/tmp/x", "files", "files", zpl_unicode_font=bad)
