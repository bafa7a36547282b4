"""Label and slip templates as positioned elements in printer dots; the ZPL, PDF and PNG writers draw
the same elements, so what the preview shows is what the printer prints.

Sizes: labels 2×1" and 4×6" (203 or 300 dpi), slips on 4×6" labels or A6/Letter pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ConfigError
from app.printing.code128 import QUIET_MODULES, Symbol, code128, gs1_128_sscc, module_dots
from app.printing.documents import LabelDoc, SlipDoc
from app.printing.fonts import text_width

LABEL_SIZES = {"2x1": (2.0, 1.0), "4x6": (4.0, 6.0)}
SLIP_SIZES = {"4x6": (4.0, 6.0), "A6": (105 / 25.4, 148 / 25.4), "Letter": (8.5, 11.0)}
DPIS = (203, 300)


@dataclass(frozen=True)
class Stock:
    name: str
    width_in: float
    height_in: float
    dpi: int
    # A Unicode TrueType font on the ZPL printer (e.g. E:TT0003M_.TTF); "" = its font 0, ASCII text.
    zpl_font: str = ""

    @property
    def width(self) -> int:
        return round(self.width_in * self.dpi)

    @property
    def height(self) -> int:
        return round(self.height_in * self.dpi)


def label_stock(size: str, dpi: int, zpl_font: str = "") -> Stock:
    if size not in LABEL_SIZES or dpi not in DPIS:
        raise ConfigError(f"Label stock {size} at {dpi} dpi is not supported: use 2x1 or 4x6 at 203 or 300 dpi.")
    return Stock(size, *LABEL_SIZES[size], dpi, zpl_font)


def slip_stock(size: str, dpi: int, zpl_font: str = "") -> Stock:
    if size not in SLIP_SIZES or dpi not in DPIS:
        raise ConfigError(f"Slip format {size} is not supported: use 4x6, A6 or Letter.")
    return Stock(size, *SLIP_SIZES[size], dpi, zpl_font)


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


def clean(text: str) -> str:
    """One line of text: control characters and runs of white space become single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _longest_prefix(text: str, height: int, width: float, bold: bool, suffix: str = "") -> int:
    """How many leading characters of `text` (followed by `suffix`) fit in `width` dots; at least 1."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid] + suffix, height, bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def fit(text: str, height: int, width: float, bold: bool = False) -> str:
    """`text` on one line, cut with "…" where it would run past `width` dots (measured in the print fonts)."""
    line = clean(text)
    if text_width(line, height, bold) <= width:
        return line
    return line[: _longest_prefix(line, height, width, bold, "…")].rstrip() + "…"


def wrap(text: str, height: int, width: float, bold: bool = False) -> list[str]:
    """Lines that each fit `width` dots: broken at spaces, and inside a word (Chinese and Japanese have no
    spaces) only where one is wider than the line."""
    lines: list[str] = []
    current = ""
    for word in clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, height, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, height, bold) > width:
            cut = _longest_prefix(current, height, width, bold)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def lines_of(text: str, height: int, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """At most `max_lines` wrapped lines; the last one ends in "…" when text was left over."""
    lines = wrap(text, height, width, bold)
    if len(lines) <= max_lines:
        return lines
    return lines[: max_lines - 1] + [fit(" ".join(lines[max_lines - 1:]) + " …", height, width, bold)]


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
            Text(m, m, t, fit(doc.title, t, inner, bold=True), bold=True),
            Text(m, m + t + 4, d, fit(doc.headline, d, inner, bold=True), bold=True),
        ]
        y = m + t + d + 10
        els.append(Bars(bar_x, y, bh, symbol, module))
        y += bh + 4
        els.append(Text(bar_x + QUIET_MODULES * module, y, hr, symbol.text, bold=True))
        els.append(Text(m, h - m - d + 2, d, fit(f"{doc.details} · {doc.footer}", d, inner)))
        return Page(stock, tuple(els))
    t, big, d, bh, hr = round(56 * u), round(110 * u), round(44 * u), round(300 * u), round(56 * u)
    # 4x6: the product name may take two lines; everything below moves down with it.
    title = lines_of(doc.title, t, inner, 2, bold=True) or [""]
    els = [Text(m, m + i * round(t * 1.2), t, line, bold=True) for i, line in enumerate(title)]
    top = m + (len(title) - 1) * round(t * 1.2)
    els += [
        Text(m, top + t + round(20 * u), d, fit(doc.details, d, inner)),
        Rule(m, top + t + d + round(40 * u), inner, max(2, round(4 * u))),
        Text(m, top + t + d + round(70 * u), big, fit(doc.headline, big, inner, bold=True), bold=True),
    ]
    y = top + t + d + big + round(120 * u)
    els.append(Bars(bar_x, y, bh, symbol, module))
    y += bh + round(10 * u)
    els.append(Text(bar_x + QUIET_MODULES * module, y, hr, symbol.text, bold=True))
    els.append(Text(m, h - m - d, d, fit(doc.footer, d, inner)))
    return Page(stock, tuple(els))


def step(size: int, gap: float) -> int:
    """Line advance for text `size` dots high with `gap` (share of the size) below it."""
    return size + round(size * gap)


@dataclass(frozen=True)
class _SlipGrid:
    """The slip's measures in dots: the 4×6" design at 203 dpi, scaled to the page."""

    stock: Stock
    u: float

    @classmethod
    def of(cls, stock: Stock) -> _SlipGrid:
        return cls(stock, min(stock.width / 812, stock.height / 1218))

    def d(self, design: float) -> int:
        return round(design * self.u)

    @property
    def margin(self) -> int:
        return self.d(36)

    @property
    def inner(self) -> int:
        return self.stock.width - 2 * self.margin

    @property
    def footer_y(self) -> int:
        """Top of the operator line; the LPN barcode and its text are below it."""
        return self.stock.height - self.margin - self.d(BAR_H) - 2 * self.d(SMALL) - self.d(36)

    @property
    def bottom(self) -> int:
        """The body's text ends above this."""
        return self.footer_y - self.d(20)


BIG, MID, SMALL, BAR_H = 64, 40, 30, 170  # text heights and the barcode's, in design units
# The why may shrink this far (22 dots ≈ 2.8 mm at 203 dpi, still read at arm's length) before it continues
# on another page.
REASON_SIZES = (30, 26, 22)
REASON_GAP = CHECKLIST_GAP = 0.2


class _Pen:
    """Writes a slip page's lines from the top down at the left margin."""

    def __init__(self, grid: _SlipGrid) -> None:
        self.grid = grid
        self.y = grid.margin
        self.elements: list[Element] = []
        self.fresh = False  # a continuation page with nothing on it yet

    def line(self, text: str, size: int, bold: bool = False, gap: float = 0.35, indent: int = 0) -> None:
        g = self.grid
        self.elements.append(Text(g.margin + indent, self.y, size, fit(text, size, g.inner - indent, bold), bold))
        self.y += step(size, gap)
        self.fresh = False

    def lines(self, text: str, size: int, max_lines: int, bold: bool = False) -> None:
        for part in lines_of(text, size, self.grid.inner, max_lines, bold):
            self.line(part, size, bold, gap=0.2)

    def rule(self) -> None:
        g = self.grid
        self.elements.append(Rule(g.margin, self.y, g.inner, max(2, g.d(4))))
        self.y += g.d(20)

    def room(self, size: int, gap: float, count: int = 1) -> bool:
        return self.y + count * step(size, gap) <= self.grid.bottom


def _slip_head(pen: _Pen, doc: SlipDoc) -> None:
    """Destination first (biggest), then the tote, the item and the decision."""
    d = pen.grid.d
    pen.line("GOES TO", d(SMALL))
    pen.lines(doc.destination, d(BIG), 2)
    if doc.tote:
        pen.line(f"Tote {doc.tote}", d(MID), bold=True)
    pen.rule()
    pen.lines(doc.product, d(MID), 2, bold=True)
    pen.line(f"SKU {doc.sku}" + (f" · RMA {doc.rma}" if doc.rma else ""), d(SMALL))
    pen.line(f"Grade {doc.grade}", d(MID), bold=True)
    pen.line(doc.disposition, d(MID), bold=True)
    if doc.claimed:
        pen.lines(f"Customer said: {doc.claimed}", d(SMALL), 2)


Lines = list[tuple[str, int]]  # (text, indent in dots)


def reason_lines(reasons: tuple[str, ...], size: int, width: int) -> list[Lines]:
    """Every reason in full, as one group of lines each: a bullet, and the reason's further lines indented
    under its first word."""
    bullet = "• "
    indent = round(text_width(bullet, size) + 0.5)
    out: list[Lines] = []
    for reason in reasons:
        parts = wrap(reason, size, width - indent) or [""]
        out.append([(bullet + parts[0], 0)] + [(part, indent) for part in parts[1:]])
    return out


def _reason_size(reasons: tuple[str, ...], grid: _SlipGrid, room: int) -> tuple[int, list[Lines]]:
    """The biggest reason text size at which every reason fits in `room` dots; else the smallest, and the
    reasons that do not fit continue on the next page."""
    size, groups = 0, []
    for size in (grid.d(s) for s in REASON_SIZES):
        groups = reason_lines(reasons, size, grid.inner)
        if sum(map(len, groups)) * step(size, REASON_GAP) <= room:
            break
    return size, groups


def _continuation(grid: _SlipGrid, doc: SlipDoc) -> _Pen:
    pen = _Pen(grid)
    pen.line(f"{doc.lpn} · why, continued", grid.d(SMALL), bold=True)
    pen.rule()
    pen.fresh = True
    return pen


def _make_room(pens: list[_Pen], doc: SlipDoc, size: int, count: int) -> None:
    """A continuation page when `count` lines do not fit on the current one (unless it is a new one)."""
    if not pens[-1].room(size, REASON_GAP, count) and not pens[-1].fresh:
        pens.append(_continuation(pens[-1].grid, doc))


def _checklist(pen: _Pen, entries: tuple[str, ...]) -> None:
    """What fits of the checklist summary, then how many answers did not fit."""
    size = pen.grid.d(SMALL)
    pen.y += pen.grid.d(10)
    if not entries or not pen.room(size, CHECKLIST_GAP, 2):
        return
    pen.line("Checklist", size, bold=True, gap=CHECKLIST_GAP)
    for i, entry in enumerate(entries):
        if not pen.room(size, CHECKLIST_GAP, 1 if i == len(entries) - 1 else 2):
            pen.line(f"… and {len(entries) - i} more", size, gap=CHECKLIST_GAP)
            return
        pen.line(entry, size, gap=CHECKLIST_GAP, indent=pen.grid.d(20))


def _slip_foot(pen: _Pen, doc: SlipDoc, number: int, total: int) -> Page:
    """Operator, time and station, and the LPN barcode: on every page, so a loose page finds its item."""
    g = pen.grid
    small, bar_h = g.d(SMALL), g.d(BAR_H)
    pen.y = g.footer_y
    pen.line(f"{doc.operator} · {doc.finished_at} · station {doc.station}", small)
    symbol = code128(doc.lpn)
    module = module_dots(symbol, g.stock.width)
    bar_x = max(0, g.margin - QUIET_MODULES * module)
    pen.elements.append(Bars(bar_x, pen.y, bar_h, symbol, module))
    under = pen.y + bar_h + g.d(8)
    pen.elements.append(Text(bar_x + QUIET_MODULES * module, under, small, symbol.text, True))
    if total > 1:  # right-aligned beside the barcode's text
        page_no = f"page {number} of {total}"
        right = g.margin + g.inner - round(text_width(page_no, small, True) + 0.5)
        pen.elements.append(Text(right, under, small, page_no, True))
    return Page(g.stock, tuple(pen.elements))


def slip_pages(doc: SlipDoc, stock: Stock) -> tuple[Page, ...]:
    """The slip: destination, item, decision, the why in full (smaller, then on further pages, when it is long),
    what fits of the checklist, operator and the LPN barcode."""
    grid = _SlipGrid.of(stock)
    pens = [_Pen(grid)]
    _slip_head(pens[0], doc)
    size, groups = _reason_size(doc.reasons, grid, grid.bottom - pens[0].y)
    for group in groups:
        _make_room(pens, doc, size, len(group))  # a reason is not split over two pages when it fits on one
        for text, indent in group:
            _make_room(pens, doc, size, 1)
            pens[-1].line(text, size, gap=REASON_GAP, indent=indent)
    _checklist(pens[-1], doc.checklist)
    return tuple(_slip_foot(pen, doc, i, len(pens)) for i, pen in enumerate(pens, start=1))


def slip_page(doc: SlipDoc, stock: Stock) -> Page:
    """The slip's first page (all of it unless the why is very long)."""
    return slip_pages(doc, stock)[0]
