"""ZPL II for Zebra-style printers. Text from products or customers is hex-escaped in ^FH fields, so a `^` or
`~` in a product name prints as a character and never runs as a command.

Text is UTF-8 (^CI28). Without a Unicode font on the printer (`zpl_unicode_font` unset) text is drawn in font 0,
which has only the Latin-1 letters: every other character is transliterated (Ж → Zh, 无线 → WuXian, “ → ").
With one set, text goes out as it is in that font, with the printer's bidi and shaping turned on (^PA).
"""

from __future__ import annotations

from anyascii import anyascii

from app.printing.code128 import QUIET_MODULES
from app.printing.layout import Bars, Page, Rule, Stock, Text

# Escape everything outside plain printable ASCII, plus the three characters ZPL gives meaning in a field:
# ^ (format command), ~ (control command) and _ (our ^FH escape character).
_SAFE = frozenset(chr(c) for c in range(32, 127)) - {"^", "~", "_"}
# What font 0 prints under ^CI28: ASCII and the Latin-1 characters (Zebra code page 850 has all of them).
_FONT0 = frozenset(chr(c) for c in range(32, 127)) | frozenset(chr(c) for c in range(0xA0, 0x100))
# Font 0's average glyph width as a share of its height: to cut a transliterated text that got longer.
_FONT0_WIDTH = 0.56


def escape_field(text: str) -> str:
    """Field data for `^FH_^FD…^FS`: unsafe characters as _XX (UTF-8 bytes; the label selects ^CI28)."""
    out: list[str] = []
    for char in text:
        if char in _SAFE:
            out.append(char)
        else:
            out.extend(f"_{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def font0_text(text: str) -> str:
    """`text` in the characters font 0 has: others transliterated to ASCII, "?" where there is no spelling."""
    return "".join(c if c in _FONT0 else (anyascii(c) or "?") for c in text)


def _font0_field(element: Text, stock: Stock) -> str:
    text = font0_text(element.text)
    if text != element.text:  # transliteration is often longer (无线 → WuXian): cut it to the layout's width
        limit = max(1, int((stock.width - 2 * element.x) / (element.height * _FONT0_WIDTH)))
        text = text if len(text) <= limit else text[: max(1, limit - 3)] + "..."
    return text


def _text(element: Text, stock: Stock) -> str:
    width = element.height if element.bold else round(element.height * 0.9)  # bold = wider
    if stock.zpl_font:
        font, text = f"^A@N,{element.height},{width},{stock.zpl_font}", element.text
    else:  # font 0: the scalable font every Zebra has
        font, text = f"^A0N,{element.height},{width}", _font0_field(element, stock)
    return f"^FO{element.x},{element.y}{font}^FH_^FD{escape_field(text)}^FS"


def _label(page: Page) -> list[str]:
    stock = page.stock
    parts = [
        "^XA",
        "^CI28",  # field data is UTF-8
        f"^PW{stock.width}",
        f"^LL{stock.height}",
        "^LH0,0",
    ]
    if stock.zpl_font:
        parts.append("^PA0,1,1,0")  # Link-OS: right-to-left runs and Arabic joining done by the printer
    for element in page.elements:
        if isinstance(element, Text):
            parts.append(_text(element, stock))
        elif isinstance(element, Bars):
            x = element.x + QUIET_MODULES * element.module  # ^FO is the first bar; the quiet zone is left blank
            parts.append(f"^FO{x},{element.y}^BY{element.module},3,{element.height}"
                         f"^BCN,{element.height},N,N,N,N^FH_^FD{escape_field(element.symbol.zpl_data)}^FS")
        elif isinstance(element, Rule):
            parts.append(f"^FO{element.x},{element.y}^GB{element.width},{element.thickness},"
                         f"{element.thickness}^FS")
    parts.append("^PQ1")
    parts.append("^XZ")
    return parts


def render_zpl(*pages: Page) -> bytes:
    """One ^XA…^XZ label per page."""
    return ("\n".join(part for page in pages for part in _label(page)) + "\n").encode("ascii")
