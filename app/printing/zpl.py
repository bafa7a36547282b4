"""ZPL II for Zebra-style printers. Text from products or customers is hex-escaped in ^FH fields, so a `^` or
`~` in a product name prints as a character and never runs as a command."""

from __future__ import annotations

from app.printing.code128 import QUIET_MODULES
from app.printing.layout import Bars, Page, Rule, Text

# Escape everything outside plain printable ASCII, plus the three characters ZPL gives meaning in a field:
# ^ (format command), ~ (control command) and _ (our ^FH escape character).
_SAFE = frozenset(chr(c) for c in range(32, 127)) - {"^", "~", "_"}


def escape_field(text: str) -> str:
    """Field data for `^FH_^FD…^FS`: unsafe characters as _XX (UTF-8 bytes; the label selects ^CI28)."""
    out: list[str] = []
    for char in text:
        if char in _SAFE:
            out.append(char)
        else:
            out.extend(f"_{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def render_zpl(page: Page) -> bytes:
    stock = page.stock
    parts = [
        "^XA",
        "^CI28",  # field data is UTF-8
        f"^PW{stock.width}",
        f"^LL{stock.height}",
        "^LH0,0",
    ]
    for element in page.elements:
        if isinstance(element, Text):  # font 0: the scalable font every Zebra has; bold = wider
            width = element.height if element.bold else round(element.height * 0.9)
            parts.append(f"^FO{element.x},{element.y}^A0N,{element.height},{width}"
                         f"^FH_^FD{escape_field(element.text)}^FS")
        elif isinstance(element, Bars):
            x = element.x + QUIET_MODULES * element.module  # ^FO is the first bar; the quiet zone is left blank
            parts.append(f"^FO{x},{element.y}^BY{element.module},3,{element.height}"
                         f"^BCN,{element.height},N,N,N,N^FH_^FD{escape_field(element.symbol.zpl_data)}^FS")
        elif isinstance(element, Rule):
            parts.append(f"^FO{element.x},{element.y}^GB{element.width},{element.thickness},"
                         f"{element.thickness}^FS")
    parts.append("^PQ1")
    parts.append("^XZ")
    return ("\n".join(parts) + "\n").encode("ascii")
