"""What a scan is: product code, GS1 element string, our LPN, an RMA number, a badge, a tote, a command.

Input is scanner text already normalised (app.scanning.normalize: GS as ASCII 29, no prefix/suffix), with
or without an AIM symbology identifier, which is recognised and kept in `Scan.symbology`. Invisible
characters are dropped and other scripts' digits read as ASCII digits first (`plain_characters`). Our own
codes and the site's RMA and badge numbers are recognised in any letter case and given back upper case.
Parsing of GTINs, UPC-E, GS1 element strings, `(01)…` text, SSCCs and GS1 Digital Link URIs is left to
biip; check digits are validated. It never raises on any input: a scan it cannot use comes back as
`unknown` with a message.

biip (≈ 0.1-0.15 s to import, its GS1 prefix tables) is imported at the first scan that needs GS1 parsing,
not with this module (which the window imports at start). `warm_up` imports it ahead of time, on a background
thread once the window is shown, so that first scan is not slower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from app.domain.codes import LPN_PATTERN, TOTE_PATTERN, canonical, upc_e_gtin, valid_gtin
from app.scanning.commands import command_of
from app.scanning.layouts import LAYOUTS, unlayout
from app.scanning.normalize import AIM_PATTERN, GS, plain_characters, visible

if TYPE_CHECKING:
    from biip.gs1_element_strings import GS1ElementString

# A SKU as the catalog writes it: letters, digits and - _ . /, not only digits.
SKU_PATTERN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
_NUMBER_LENGTHS = (6, 7, 8, 12, 13, 14)  # GTIN-8/12/13/14 and UPC-E (6, 7 or 8 digits)
_EAN_8_AIM, _EAN_UPC_AIM = "]E4", "]E0"  # ISO/IEC 15424: EAN-8 has its own identifier; UPC-E shares ]E0


class ScanKind(StrEnum):
    PRODUCT = "product"  # a GTIN (plain or inside GS1 data), or a catalog SKU
    GS1 = "gs1"  # a GS1 element string without a GTIN (an SSCC, a lone serial…)
    LPN = "lpn"
    RMA = "rma"
    BADGE = "badge"
    TOTE = "tote"
    COMMAND = "command"
    UNKNOWN = "unknown"


class Problem(StrEnum):
    """Why a scan is unknown, for code that reacts differently (the wording is in `Scan.message`)."""

    NONE = ""
    EMPTY = "empty"
    CHECK_DIGIT = "check_digit"
    GS_MISSING = "gs_missing"
    BAD_GS1 = "bad_gs1"
    NOT_RECOGNISED = "not_recognised"
    LAYOUT = "layout"  # typed under another keyboard layout than the scanner's


@dataclass(frozen=True)
class Scan:
    raw: str
    kind: ScanKind
    value: str  # the code to look up: GTIN-14, SKU, LPN, RMA number, badge, tote, command or SSCC
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    sscc: str | None = None
    symbology: str | None = None
    message: str = ""  # for UNKNOWN: what is wrong and what to do
    problem: Problem = Problem.NONE


def classify_scan(raw: str, rma_pattern: str, badge_pattern: str, *, layout_check: bool = True) -> Scan:
    text = plain_characters(raw.strip("\r\n\t "))
    aim = AIM_PATTERN.match(text)
    symbology = text[:3] if aim else None
    body = text[3:] if aim else text
    if not body.strip(GS):
        return _unknown(raw, "", Problem.EMPTY, "Empty scan. Scan the barcode again.", symbology)
    found = _own_code(raw, body, symbology, rma_pattern, badge_pattern) or _product(raw, body, symbology)
    if found is not None:
        return found
    layout = _layout_mismatch(body, rma_pattern, badge_pattern) if layout_check else None
    if layout is not None:
        return _unknown(
            raw, body, Problem.LAYOUT,
            f"'{_short(body)}' looks like a barcode typed with the wrong keyboard layout ({layout}): the scanner "
            "and this computer disagree. Run scanner setup (F2); nothing was recorded.",
            symbology,
        )
    return _unknown(
        raw, body, Problem.NOT_RECOGNISED,
        f"'{_short(body)}' is not a product, RMA, LPN, tote or badge barcode. Scan the item's own barcode.",
        symbology,
    )


def _own_code(raw: str, body: str, symbology: str | None, rma_pattern: str, badge_pattern: str) -> Scan | None:
    """A command, tote, LPN, RMA or badge, in any letter case (caps lock, a label typed by hand)."""
    command = command_of(body)
    if command is not None:
        return Scan(raw, ScanKind.COMMAND, command.value, symbology=symbology)
    kinds = ((ScanKind.TOTE, TOTE_PATTERN), (ScanKind.LPN, LPN_PATTERN), (ScanKind.RMA, rma_pattern),
             (ScanKind.BADGE, badge_pattern))
    for kind, pattern in kinds:
        value = canonical(body, pattern)
        if value is not None:
            return Scan(raw, kind, value, symbology=symbology)
    return None


def _product(raw: str, body: str, symbology: str | None) -> Scan | None:
    if body.isascii() and body.isdigit() and len(body) in _NUMBER_LENGTHS:
        # A plain GTIN wins over reading the same digits as a GS1 element string ("96385074" is EAN-8).
        found = _plain_number(raw, body, symbology)
        if found is not None:
            return found
    from app.scanning import gs1  # biip: loaded by warm_up after the first paint, else here at first use

    try:
        elements = gs1.read_gs1(body, symbology)
    except gs1.LostSeparator as exc:
        return _unknown(raw, body, Problem.GS_MISSING, str(exc), symbology)
    except gs1.Gs1Unreadable as exc:
        return _unknown(
            raw, body, Problem.BAD_GS1,
            f"This GS1 barcode could not be read: {exc}. Nothing was recorded. Type the code from the label or "
            "scan another barcode on the item; if it happens with every GS1 barcode, run scanner setup (F2).",
            symbology,
        )
    scan = _from_fields(raw, elements, symbology) if elements is not None else None
    if scan is not None and (scan.kind is not ScanKind.GS1 or gs1.evidently_gs1(body, symbology)):
        return scan
    # Without an AIM id or GS, "10-ABC" or "21SN-77" reads as a lone lot or serial: a SKU is likelier.
    if SKU_PATTERN.match(body):
        return Scan(raw, ScanKind.PRODUCT, body, symbology=symbology)
    return scan


def _plain_number(raw: str, digits: str, symbology: str | None) -> Scan | None:
    gtin = _gtin_of(digits, symbology)
    if gtin is not None:
        return Scan(raw, ScanKind.PRODUCT, gtin, gtin=gtin, symbology=symbology)
    if len(digits) < 8:
        return None  # not a UPC-E (number system 2-9): maybe GS1 data, else not recognised
    return _unknown(raw, digits, Problem.CHECK_DIGIT,
                    f"{digits} is not a valid barcode number (wrong check digit). Scan it again or type it.",
                    symbology)


def _gtin_of(digits: str, symbology: str | None) -> str | None:
    """The GTIN-14 of a plain number. Eight digits are an EAN-8 or a UPC-E; the AIM id tells, else the
    check digit, else the first digit: an EAN-8 starting with 0 is a company-internal number (GS1 RCN-8),
    while UPC-E in trade starts with 0."""
    if len(digits) < 8:
        return upc_e_gtin(digits)
    ean = valid_gtin(digits)
    if len(digits) != 8 or symbology == _EAN_8_AIM:
        return ean
    upc_e = upc_e_gtin(digits)
    if symbology == _EAN_UPC_AIM or digits.startswith("0"):
        return upc_e or ean
    return ean or upc_e


def _layout_mismatch(body: str, rma_pattern: str, badge_pattern: str) -> str | None:
    """The layout under which this unreadable text is a code we know (`àà'é…` on AZERTY is digits)."""
    for name, layout in LAYOUTS.items():
        meant = unlayout(body, layout)
        if meant != body and (meant.isdigit()
                              or classify_scan(meant, rma_pattern, badge_pattern, layout_check=False).kind
                              is not ScanKind.UNKNOWN):
            return name
    return None


def _from_fields(raw: str, elements: list[GS1ElementString], symbology: str | None) -> Scan:
    by_ai = {element.ai.ai: element for element in elements}
    for element in elements:
        error = element.gtin_error or element.sscc_error
        if error:
            return _unknown(raw, element.value, Problem.CHECK_DIGIT,
                            f"The barcode number {element.value} has a wrong check digit. Scan it again.",
                            symbology)
    serial, lot, expiry = by_ai.get("21"), by_ai.get("10"), by_ai.get("17")
    gtin_es, sscc_es = by_ai.get("01"), by_ai.get("00")
    gtin = gtin_es.gtin.as_gtin_14() if gtin_es is not None and gtin_es.gtin is not None else None
    sscc = sscc_es.value if sscc_es is not None else None
    common = {
        "gtin": gtin,
        "serial": serial.value if serial else None,
        "lot": lot.value if lot else None,
        "expiry": expiry.date if expiry else None,
        "sscc": sscc,
        "symbology": symbology,
    }
    if gtin is not None:
        return Scan(raw, ScanKind.PRODUCT, gtin, **common)  # type: ignore[arg-type]
    value = sscc or "".join(f"({element.ai.ai}){element.value}" for element in elements)
    return Scan(raw, ScanKind.GS1, value, **common)  # type: ignore[arg-type]


def warm_up() -> None:
    """Import the GS1 parser and run one scan of each kind through it (a background thread, after the window
    is shown): the first scan then costs what every other does."""
    for sample in ("(01)09506000134352(17)261231(10)A1", "01095060001343521726123110A1", "9506000134352"):
        classify_scan(sample, r"^RMA\d{6,}$", r"^B\d{4,}$")


def _unknown(raw: str, value: str, problem: Problem, message: str, symbology: str | None) -> Scan:
    return Scan(raw, ScanKind.UNKNOWN, value, symbology=symbology, message=message, problem=problem)


def _short(text: str) -> str:
    return visible(text)[:40]
