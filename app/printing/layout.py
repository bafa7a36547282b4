"""Label and slip templates as positioned elements in printer dots; the ZPL, PDF and PNG writers draw
the same elements, so what the preview shows is what the printer prints.

Sizes: labels 2×1" and 4×6" (203 or 300 dpi), slips on 4×6" labels or A6/Letter pages.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from app.errors import ConfigError
from app.printing.code128 import QUIET_MODULES, Symbol, code128, gs1_128_sscc, module_dots
from app.printing.documents import LabelDoc, SlipDoc

LABEL_SIZES = {"2x1": (2.0, 1.0), "4x6": (4.0, 6.0)}
SLIP_SIZES = {"4x6": (4.0, 6.0), "A6": (105 / 25.4, 148 / 25.4), "Letter": (8.5, 11.0)}
DPIS = (203, 300)
# Average glyph width of the label fonts (ZPL font 0, Helvetica) as a share of the height: used to cut text
# that would run off the label.
GLYPH_WIDTH = 0.56


@dataclass(frozen=True)
class Stock:
    name: str
    width_in: float
    height_in: float
    dpi: int

    @property
    def width(self) -> int:
        return round(self.width_in * self.dpi)

    @property
    def height(self) -> int:
        return round(self.height_in * self.dpi)


def label_stock(size: str, dpi: int) -> Stock:
    if size not in LABEL_SIZES or dpi not in DPIS:
        raise ConfigError(f"Label stock {size} at {dpi} dpi is not supported: use 2x1 or 4x6 at 203 or 300 dpi.")
    return Stock(size, *LABEL_SIZES[size], dpi)


def slip_stock(size: str, dpi: int) -> Stock:
    if size not in SLIP_SIZES or dpi not in DPIS:
        raise ConfigError(f"Slip format {size} is not supported: use 4x6, A6 or Letter.")
    return Stock(size, *SLIP_SIZES[size], dpi)


@dataclass(frozen=True)
class Text:
    x: int
    y: int
    height: int  # character height in dots
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Bars:
    x: int  # left edge of the quiet zone
    y: int
    height: int
    symbol: Symbol
    module: int  # dots per module, a whole number

    def runs(self) -> list[tuple[int, int]]:
        """(x, width) in dots of each bar."""
        out: list[tuple[int, int]] = []
        start = self.x + QUIET_MODULES * self.module
        i, modules = 0, self.symbol.modules
        while i < len(modules):
            if modules[i] == "1":
                j = i
                while j < len(modules) and modules[j] == "1":
                    j += 1
                out.append((start + i * self.module, (j - i) * self.module))
                i = j
            else:
                i += 1
        return out


@dataclass(frozen=True)
class Rule:
    x: int
    y: int
    width: int
    thickness: int


Element = Text | Bars | Rule


@dataclass(frozen=True)
class Page:
    stock: Stock
    elements: tuple[Element, ...]


def fit(text: str, height: int, width: int) -> str:
    """Cut `text` to what fits in `width` dots at `height`; control characters become spaces."""
    clean = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    limit = max(1, int(width / (height * GLYPH_WIDTH)))
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def symbol_of(doc: LabelDoc) -> Symbol:
    return gs1_128_sscc(doc.barcode) if doc.gs1_sscc else code128(doc.barcode)


def label_page(doc: LabelDoc, stock: Stock) -> Page:
    w, h = stock.width, stock.height
    u = h / 203 if stock.name == "2x1" else h / 1218  # one unit of the 203-dpi design grid
    m = round(8 * u) if stock.name == "2x1" else round(30 * u)
    symbol = symbol_of(doc)
    module = module_dots(symbol, w)  # the quiet zones may use the margins
    bar_w = symbol.width_modules * module
    bar_x = max(0, (w - bar_w) // 2)
    inner = w - 2 * m
    if stock.name == "2x1":
        t, d, bh, hr = round(22 * u), round(20 * u), round(86 * u), round(22 * u)
        els: list[Element] = [
            Text(m, m, t, fit(doc.title, t, inner), bold=True),
            Text(m, m + t + 4, d, fit(doc.headline, d, inner), bold=True),
        ]
        y = m + t + d + 10
        els.append(Bars(bar_x, y, bh, symbol, module))
        y += bh + 4
        els.append(Text(bar_x + QUIET_MODULES * module, y, hr, symbol.text, bold=True))
        els.append(Text(m, h - m - d + 2, d, fit(f"{doc.details} · {doc.footer}", d, inner)))
        return Page(stock, tuple(els))
    t, big, d, bh, hr = round(56 * u), round(110 * u), round(44 * u), round(300 * u), round(56 * u)
    # 4x6: the product name may take two lines; everything below moves down with it.
    title = textwrap.wrap(fit(doc.title, t, 2 * inner), max(8, int(inner / (t * GLYPH_WIDTH))))[:2] or [""]
    els = [Text(m, m + i * round(t * 1.2), t, line, bold=True) for i, line in enumerate(title)]
    top = m + (len(title) - 1) * round(t * 1.2)
    els += [
        Text(m, top + t + round(20 * u), d, fit(doc.details, d, inner)),
        Rule(m, top + t + d + round(40 * u), inner, max(2, round(4 * u))),
        Text(m, top + t + d + round(70 * u), big, fit(doc.headline, big, inner), bold=True),
    ]
    y = top + t + d + big + round(120 * u)
    els.append(Bars(bar_x, y, bh, symbol, module))
    y += bh + round(10 * u)
    els.append(Text(bar_x + QUIET_MODULES * module, y, hr, symbol.text, bold=True))
    els.append(Text(m, h - m - d, d, fit(doc.footer, d, inner)))
    return Page(stock, tuple(els))


def slip_page(doc: SlipDoc, stock: Stock) -> Page:
    """One page: destination first (biggest), then item, decision, why, checklist, operator; the LPN barcode."""
    w, h = stock.width, stock.height
    u = min(w / 812, h / 1218)  # the 4×6" design at 203 dpi, scaled to the page
    m = round(36 * u)
    inner = w - 2 * m
    big, mid, small = round(64 * u), round(40 * u), round(30 * u)
    symbol = code128(doc.lpn)
    module = module_dots(symbol, w)
    bar_h = round(170 * u)
    els: list[Element] = []
    y = m

    def line(text: str, size: int, bold: bool = False, gap: float = 0.35) -> None:
        nonlocal y
        els.append(Text(m, y, size, fit(text, size, inner), bold))
        y += size + round(size * gap)

    def wrapped(text: str, size: int, max_lines: int) -> None:
        width_chars = max(10, int(inner / (size * GLYPH_WIDTH)))
        for part in textwrap.wrap(text, width_chars)[:max_lines]:
            line(part, size, gap=0.2)

    line("GOES TO", small)
    wrapped(doc.destination, big, 2)
    if doc.tote:
        line(f"Tote {doc.tote}", mid, bold=True)
    els.append(Rule(m, y, inner, max(2, round(4 * u))))
    y += round(20 * u)
    line(doc.product, mid, bold=True)
    line(f"SKU {doc.sku}" + (f" · RMA {doc.rma}" if doc.rma else ""), small)
    line(f"Grade {doc.grade}", mid, bold=True)
    line(doc.disposition, mid, bold=True)
    if doc.claimed:
        line(f"Customer said: {doc.claimed}", small)
    bottom = h - m - bar_h - small - round(60 * u) - small
    for reason in doc.reasons:
        if y + small > bottom - 2 * small:
            break
        wrapped("• " + reason, small, 2)
    if doc.checklist:
        y += round(10 * u)
        line("Checklist", small, bold=True)
        for i, entry in enumerate(doc.checklist):
            if y + small > bottom:
                line(f"… and {len(doc.checklist) - i} more", small)
                break
            line("  " + entry, small, gap=0.2)
    y = h - m - bar_h - small - round(20 * u) - small - round(16 * u)
    line(f"{doc.operator} · {doc.finished_at} · station {doc.station}", small)
    bar_x = max(0, m - QUIET_MODULES * module)
    els.append(Bars(bar_x, y, bar_h, symbol, module))
    els.append(Text(bar_x + QUIET_MODULES * module, y + bar_h + round(8 * u), small, symbol.text, bold=True))
    return Page(stock, tuple(els))
