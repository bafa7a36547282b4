"""A station's printing setup from its settings: printers by name, label and slip stock, disposition routing."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from app.config import Settings, data_dir
from app.domain.vocab import Disposition
from app.errors import ConfigError, PrintError
from app.printing.layout import Stock, label_stock, slip_stock
from app.printing.transports import PrinterSpec, parse_printers

ROUTE_KINDS = ("bay", "tote", "vendor")
# A font on a Zebra's drive: R: (RAM), E: (flash), B: (card), A:, Z:; nothing a ZPL field could misread.
ZPL_FONT = re.compile(r"^[REBAZ]:[A-Z0-9_\-]{1,16}\.(TTF|TTE|FNT)$", re.IGNORECASE)


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
    label: Stock
    slip: Stock
    routing: dict[str, Route] = field(default_factory=dict)

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
    return PrintSetup(specs, label_printer, slip_printer, label_stock(label_size, label_dpi, font),
                      slip_stock(slip_format, label_dpi, font),
                      load_routing(Path(routing_file) if routing_file else None))


def default_print_setup() -> PrintSetup:
    return print_setup(f"files=file:{data_dir() / 'printed'}", "files", "files")


def print_setup_from(settings: Settings) -> PrintSetup:
    printers = settings.printers or f"files=file:{data_dir() / 'printed'}"
    return print_setup(printers, settings.label_printer, settings.slip_printer, settings.label_size,
                       settings.label_dpi, settings.slip_format, settings.routing_file, settings.zpl_unicode_font)
