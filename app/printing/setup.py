"""A station's printing setup from its settings: printers by name, label and slip stock, disposition routing.

Built at every start (the window's context), so it stays light: the stocks' layout module pulls in the barcode
and font code (python-barcode, reportlab, bidi), which load only when a label or slip is first rendered, on the
print thread. The stock settings are still checked here, at start, with the layout's own words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import Settings, data_dir
from app.domain.vocab import Disposition
from app.errors import ConfigError, PrintError
from app.printing.transports import PrinterSpec, parse_printers

if TYPE_CHECKING:
    from app.printing.layout import Stock

ROUTE_KINDS = ("bay", "tote", "vendor")
# A font on a Zebra's drive: R: (RAM), E: (flash), B: (card), A:, Z:; nothing a ZPL field could misread.
ZPL_FONT = re.compile(r"^[REBAZ]:[A-Z0-9_\-]{1,16}\.(TTF|TTE|FNT)$", re.IGNORECASE)
# The stock names app.printing.layout draws (LABEL_SIZES, SLIP_SIZES, DPIS; a test keeps them equal), to check
# the settings at start without loading the layout.
LABEL_SIZE_NAMES = ("2x1", "4x6")
SLIP_FORMAT_NAMES = ("4x6", "A6", "Letter")
STOCK_DPIS = (203, 300)


@dataclass(frozen=True)
class StockSpec:
    """A label or slip stock as the settings name it; `stock()` builds the layout's `Stock`."""

    kind: str  # label | slip
    size: str
    dpi: int
    zpl_font: str = ""

    def check(self) -> StockSpec:
        """Raise ConfigError (the layout's words) for a stock the layout does not draw."""
        sizes = LABEL_SIZE_NAMES if self.kind == "label" else SLIP_FORMAT_NAMES
        if self.size in sizes and self.dpi in STOCK_DPIS:
            return self
        if self.kind == "label":
            raise ConfigError(f"Label stock {self.size} at {self.dpi} dpi is not supported: use 2x1 or 4x6 at 203 "
                              "or 300 dpi.")
        raise ConfigError(f"Slip format {self.size} is not supported: use 4x6, A6 or Letter.")

    def stock(self) -> Stock:
        from app.printing.layout import label_stock, slip_stock  # the barcode and font code: first render only

        make = label_stock if self.kind == "label" else slip_stock
        return make(self.size, self.dpi, self.zpl_font)


@dataclass(frozen=True)
class Route:
    kind: str  # bay | tote | vendor
    destination: str  # may contain {vendor}

    def where(self, vendor: str) -> str:
        return self.destination.replace("{vendor}", vendor or "vendor")


@dataclass(frozen=True)
class PrintSetup:
    printers: dict[str, PrinterSpec]
    label_printer: str
    slip_printer: str
    label_spec: StockSpec
    slip_spec: StockSpec
    routing: dict[str, Route] = field(default_factory=dict)

    # Built at the first render (the print thread), then kept; cached_property bypasses the frozen __setattr__.
    @cached_property
    def label(self) -> Stock:
        return self.label_spec.stock()

    @cached_property
    def slip(self) -> Stock:
        return self.slip_spec.stock()

    def printer(self, name: str) -> PrinterSpec:
        spec = self.printers.get(name)
        if spec is None:
            known = ", ".join(self.printers) or "none"
            raise PrintError(f"There is no printer called '{name}' in this station's settings (known: {known}).")
        return spec

    def route(self, disposition: str) -> Route:
        return self.routing.get(disposition) or Route("bay", f"{disposition} area")


def load_routing(path: Path | None = None) -> dict[str, Route]:
    source = str(path) if path else "resources/printing/routing.toml"
    try:
        raw = path.read_bytes() if path else resources.files("resources.printing").joinpath("routing.toml").read_bytes()
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read the routing table ({exc}).") from None
    routing: dict[str, Route] = {}
    known = {d.value for d in Disposition}
    for code, table in data.items():
        if code not in known:
            raise ConfigError(f"{source}: [{code}] is not a disposition (known: {', '.join(sorted(known))}).")
        kind, destination = table.get("kind"), table.get("destination")
        if kind not in ROUTE_KINDS or not isinstance(destination, str) or not destination.strip():
            raise ConfigError(f"{source}: [{code}] needs kind = bay, tote or vendor and a destination text.")
        routing[code] = Route(kind, destination.strip())
    return routing


def zpl_font(value: str) -> str:
    """The `zpl_unicode_font` setting checked: a font file on the printer's drive, or "" for font 0."""
    font = value.strip()
    if font and not ZPL_FONT.match(font):
        raise ConfigError(f"zpl_unicode_font '{value}' is not a font on a ZPL printer: write its drive and file "
                          "name, e.g. E:TT0003M_.TTF (Zebra's Swiss 721), or leave it empty to print with font 0.")
    return font.upper()


def print_setup(printers: str, label_printer: str, slip_printer: str, label_size: str = "2x1",
                label_dpi: int = 203, slip_format: str = "4x6", routing_file: str = "",
                zpl_unicode_font: str = "") -> PrintSetup:
    specs = parse_printers(printers)
    for role, name in (("label_printer", label_printer), ("slip_printer", slip_printer)):
        if name not in specs:
            raise ConfigError(f"{role} '{name}' is not one of the printers ({', '.join(specs) or 'none set'}). "
                              "Add it to the `printers` setting as name=tcp://HOST:9100.")
    font = zpl_font(zpl_unicode_font)
    return PrintSetup(specs, label_printer, slip_printer, StockSpec("label", label_size, label_dpi, font).check(),
                      StockSpec("slip", slip_format, label_dpi, font).check(),
                      load_routing(Path(routing_file) if routing_file else None))


def default_print_setup() -> PrintSetup:
    return print_setup(f"files=file:{data_dir() / 'printed'}", "files", "files")


def print_setup_from(settings: Settings) -> PrintSetup:
    printers = settings.printers or f"files=file:{data_dir() / 'printed'}"
    return print_setup(printers, settings.label_printer, settings.slip_printer, settings.label_size,
                       settings.label_dpi, settings.slip_format, settings.routing_file, settings.zpl_unicode_font)
