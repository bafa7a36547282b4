"""ZPL: label size, barcode commands, and hostile text that must print as text, never run as commands."""

from __future__ import annotations

import re

import pytest
from barcode.codex import Code128

from app.errors import PrintError
from app.printing.code128 import code128, module_dots
from app.printing.documents import LabelDoc
from app.printing.layout import label_page, label_stock
from app.printing.zpl import escape_field, render_zpl

# Like the demo catalog's, plus a field/format terminator; short enough for one line of a 2x1 label.
HOSTILE = "USB-C ^XA~JA 2m _ ^FS^XZ"


def zpl(size: str = "2x1", dpi: int = 203, title: str = HOSTILE, barcode: str = "LP-D01-0000042") -> str:
    doc = LabelDoc(barcode, title, "B · RESTOCK", "SKU EL-CBL-0069", "2026-11-20 · D01")
    return render_zpl(label_page(doc, label_stock(size, dpi))).decode("ascii")


def unescape(field: str) -> str:
    return re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), field.encode()).decode("utf-8")


@pytest.mark.parametrize(("size", "dpi", "width", "height"),
                         [("2x1", 203, 406, 203), ("2x1", 300, 600, 300), ("4x6", 203, 812, 1218),
                          ("4x6", 300, 1200, 1800)])
def test_label_size_in_dots(size, dpi, width, height):
    text = zpl(size, dpi)
    assert f"^PW{width}\n" in text and f"^LL{height}\n" in text
    assert text.startswith("^XA\n^CI28\n") and text.endswith("^XZ\n")


def test_one_code128_with_whole_dot_module_and_subset_codes():
    text = zpl()
    barcodes = re.findall(r"\^BY(\d+),3,(\d+)\^BCN,\d+,N,N,N,N\^FH_\^FD([^^]*)\^FS", text)
    assert len(barcodes) == 1
    module, _height, data = barcodes[0]
    assert module == "2"  # 2 dots = 10 mil at 203 dpi, the narrowest that scans reliably
    assert data == ">:LP-D01->5000004>62"  # start B, switch to C for the digits, back to B for the odd one


def test_hostile_product_name_is_hex_escaped_and_round_trips():
    text = zpl()
    assert text.count("^XA") == 1 and text.count("^XZ") == 1 and "~JA" not in text
    fields = re.findall(r"\^FH_\^FD(.*?)\^FS", text)
    assert HOSTILE in [unescape(f) for f in fields]
    for field in fields:  # nothing inside a field can start a command
        assert "^" not in field and "~" not in field


def test_escape_non_ascii_as_utf8_bytes():
    assert escape_field("Café ^~_") == "Caf_C3_A9 _5E_7E_5F"
    assert unescape(escape_field("Größe 42 — ~JA")) == "Größe 42 — ~JA"


def test_zpl_data_reproduces_python_barcode_symbol():
    # The bars the printer draws from the invocation codes are the bars of the PDF and the preview.
    for data in ("LP-D01-0000042", "LP-AB12C3-1234567", "TOTE-D01-00042", "A>B"):
        symbol = code128(data)
        assert symbol.modules == Code128(data).build()[0]
        assert "><" in symbol.zpl_data if ">" in data else True


def test_barcode_that_would_be_too_narrow_is_refused():
    symbol = code128("LP-D01-0000042")
    assert module_dots(symbol, 406) == 2
    with pytest.raises(PrintError, match="does not fit"):
        module_dots(symbol, 300)
    with pytest.raises(PrintError, match="Code 128"):
        code128("LP-\x00")
