"""What a scan is: product code, GS1 element string, our LPN, an RMA number, a badge, a tote, a command.

Input is scanner text already normalised (app.scanning.normalize: GS as ASCII 29, no prefix/suffix), with
or without an AIM symbology identifier, which is recognised and kept in `Scan.symbology`. Parsing of
GTINs, UPC-E, GS1 element strings, SSCCs and GS1 Digital Link URIs is left to biip; check digits are
validated. It never raises on any input: a scan it cannot use comes back as `unknown` with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import biip
from biip.gs1_messages import GS1Message

from app.domain.codes import LPN_PATTERN, TOTE_PATTERN, GtinError, normalize_gtin
from app.scanning.commands import command_of
from app.scanning.gs1 import LOST_GS_MESSAGE, find_swallowed_field
from app.scanning.layouts import LAYOUTS, unlayout
from app.scanning.normalize import AIM_PATTERN, GS, GS1_SYMBOLOGIES, visible

# A SKU as the catalog writes it: letters, digits and - _ . /, not only digits.
SKU_PATTERN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")
_GTIN_LENGTHS = (8, 12, 13, 14)


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
    text = raw.strip("\r\n\t ")
    aim = AIM_PATTERN.match(text)
    symbology = text[:3] if aim else None
    body = text[3:] if aim else text
    if not body.strip(GS):
        return _unknown(raw, "", Problem.EMPTY, "Empty scan. Scan the barcode again.", symbology)
    command = command_of(body)
    if command is not None:
        return Scan(raw, ScanKind.COMMAND, command.value, symbology=symbology)
    for pattern, kind in ((TOTE_PATTERN, ScanKind.TOTE), (LPN_PATTERN, ScanKind.LPN)):
        if pattern.match(body):
            return Scan(raw, kind, body, symbology=symbology)
    if re.match(rma_pattern, body):
        return Scan(raw, ScanKind.RMA, body, symbology=symbology)
    if re.match(badge_pattern, body):
        return Scan(raw, ScanKind.BADGE, body, symbology=symbology)
    if body.isdigit() and len(body) in _GTIN_LENGTHS:
        return _plain_gtin(raw, body, symbology)
    if _may_be_gs1(body, symbology):
        found = _gs1_scan(raw, text, body, symbology)
        if found is not None:
            return found
    if SKU_PATTERN.match(body):
        return Scan(raw, ScanKind.PRODUCT, body, symbology=symbology)
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


def _layout_mismatch(body: str, rma_pattern: str, badge_pattern: str) -> str | None:
    """The layout under which this unreadable text is a code we know (`àà'é…` on AZERTY is digits)."""
    for name, layout in LAYOUTS.items():
        meant = unlayout(body, layout)
        if meant != body and (meant.isdigit()
                              or classify_scan(meant, rma_pattern, badge_pattern, layout_check=False).kind
                              is not ScanKind.UNKNOWN):
            return name
    return None


def _plain_gtin(raw: str, digits: str, symbology: str | None) -> Scan:
    # A plain GTIN wins over reading the same digits as a GS1 element string ("01234565" is EAN-8).
    try:
        gtin = normalize_gtin(digits)
    except GtinError:
        return _unknown(raw, digits, Problem.CHECK_DIGIT,
                        f"{digits} is not a valid barcode number (wrong check digit). Scan it again or type it.",
                        symbology)
    return Scan(raw, ScanKind.PRODUCT, gtin, gtin=gtin, symbology=symbology)


def _may_be_gs1(body: str, symbology: str | None) -> bool:
    return (
        symbology in GS1_SYMBOLOGIES
        or body.startswith(("http://", "https://"))
        or (len(body) >= 4 and body[:2].isdigit())
        or (body.isdigit() and len(body) in (6, 7))  # UPC-E
    )


def _gs1_scan(raw: str, text: str, body: str, symbology: str | None) -> Scan | None:
    if body.startswith(("http://", "https://")) or (body.isdigit() and len(body) in (6, 7)):
        return _link_or_upc_e(raw, text, body, symbology)
    try:
        # The element-string parser alone: twice as fast as biip.parse, which also tries GTIN, UPC, SSCC.
        message = GS1Message.parse(body)
    except biip.ParseError as exc:
        error = str(exc)
    except Exception:  # biip raises only ParseError by design; a scan must never crash intake
        return None
    else:
        fields = [(e.ai.ai, e) for e in message.element_strings]
        swallowed = find_swallowed_field(body, [(ai, e.value) for ai, e in fields])
        if swallowed is not None:
            return _unknown(raw, body, Problem.GS_MISSING,
                            LOST_GS_MESSAGE.format(value=visible(swallowed.value)), symbology)
        return _from_fields(raw, fields, symbology)
    if symbology in GS1_SYMBOLOGIES or GS in body:
        # It says it is GS1 data but is not well-formed: say what biip found wrong.
        field = re.search(r"GS1 AI \((\d+)\)", error)
        what = f"field ({field.group(1)}) is not valid" if field else "its fields could not be found"
        return _unknown(
            raw, body, Problem.BAD_GS1,
            f"This GS1 barcode could not be read: {what}. If it happens with every GS1 barcode, run scanner "
            "setup (F2); otherwise type the code.",
            symbology,
        )
    return None


def _link_or_upc_e(raw: str, text: str, body: str, symbology: str | None) -> Scan | None:
    try:
        # biip reads a Digital Link URI only without the AIM identifier in front.
        result = biip.parse(body if body.startswith(("http://", "https://")) else text)
    except Exception:  # biip raises only on internal errors; a scan must never crash intake
        return None
    if result.gs1_digital_link_uri is not None:
        return _from_fields(raw, [(e.ai.ai, e) for e in result.gs1_digital_link_uri.element_strings], symbology)
    if result.upc is not None:
        gtin = result.upc.as_gtin_14()
        return Scan(raw, ScanKind.PRODUCT, gtin, gtin=gtin, symbology=symbology)
    return None


def _from_fields(raw: str, fields: list[tuple[str, biip.gs1_element_strings.GS1ElementString]],
                 symbology: str | None) -> Scan:
    by_ai = {ai: element for ai, element in fields}
    for element in by_ai.values():
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
    value = sscc or "".join(f"({ai}){element.value}" for ai, element in fields)
    return Scan(raw, ScanKind.GS1, value, **common)  # type: ignore[arg-type]


def _unknown(raw: str, value: str, problem: Problem, message: str, symbology: str | None) -> Scan:
    return Scan(raw, ScanKind.UNKNOWN, value, symbology=symbology, message=message, problem=problem)


def _short(text: str) -> str:
    return visible(text)[:40]
