"""What a scan is: product code, GS1 element string, our LPN, an RMA number, a badge, or unknown.

Parsing of GTINs and GS1 element strings is left to biip; this module decides the kind and returns plain
data. It never raises on any input: a scan it cannot use comes back as `unknown` with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import biip

GS = "\x1d"
LPN_PATTERN = re.compile(r"^LP-[A-Z0-9]{2,6}-\d{7}$")
# A SKU as the catalog writes it: letters, digits and - _ . /, not only digits.
SKU_PATTERN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")


class ScanKind(StrEnum):
    PRODUCT = "product"  # a GTIN, or a catalog SKU
    LPN = "lpn"
    RMA = "rma"
    BADGE = "badge"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Scan:
    raw: str
    kind: ScanKind
    value: str  # the code to look up: GTIN-14, SKU, LPN, RMA number or badge
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    symbology: str | None = None
    message: str = ""  # for UNKNOWN: what is wrong and what to do


def format_lpn(station_id: str, sequence: int) -> str:
    return f"LP-{station_id}-{sequence:07d}"


def classify_scan(raw: str, rma_pattern: str, badge_pattern: str) -> Scan:
    text = raw.strip("\r\n\t ")
    if not text:
        return Scan(raw, ScanKind.UNKNOWN, "", message="Empty scan. Scan the barcode again.")
    if LPN_PATTERN.match(text):
        return Scan(raw, ScanKind.LPN, text)
    if re.match(rma_pattern, text):
        return Scan(raw, ScanKind.RMA, text)
    if re.match(badge_pattern, text):
        return Scan(raw, ScanKind.BADGE, text)
    product = _product_scan(raw, text)
    if product is not None:
        return product
    if SKU_PATTERN.match(text):
        return Scan(raw, ScanKind.PRODUCT, text)
    return Scan(
        raw,
        ScanKind.UNKNOWN,
        text,
        message=f"'{_printable(text)}' is not a product, RMA, LPN or badge barcode. Scan the item's own barcode.",
    )


def _product_scan(raw: str, text: str) -> Scan | None:
    digits_only = text.isdigit()
    if digits_only and len(text) not in (8, 12, 13, 14) and not text.startswith("01"):
        return None
    try:
        result = biip.parse(text)
    except Exception:  # biip raises only on internal errors; a scan must never crash intake
        return None
    symbology = result.symbology_identifier.value if result.symbology_identifier else None
    # A plain GTIN wins over reading the same digits as a GS1 element string.
    if result.gtin is not None and (digits_only or result.gs1_message is None):
        return Scan(raw, ScanKind.PRODUCT, result.gtin.as_gtin_14(), gtin=result.gtin.as_gtin_14(),
                    symbology=symbology)
    if digits_only and len(text) in (8, 12, 13, 14) and result.gtin_error:
        return Scan(raw, ScanKind.UNKNOWN, text, symbology=symbology,
                    message=f"{text} is not a valid barcode number (wrong check digit). Scan it again or type it.")
    message = result.gs1_message
    if message is not None:
        found = message.element_strings
        gtin_es = found.get(ai="01")
        if gtin_es is None or gtin_es.gtin is None:
            return None
        serial, lot, expiry = found.get(ai="21"), found.get(ai="10"), found.get(ai="17")
        return Scan(
            raw,
            ScanKind.PRODUCT,
            gtin_es.gtin.as_gtin_14(),
            gtin=gtin_es.gtin.as_gtin_14(),
            serial=serial.value if serial else None,
            lot=lot.value if lot else None,
            expiry=expiry.date if expiry else None,
            symbology=symbology,
        )
    return None


def _printable(text: str) -> str:
    return text.replace(GS, "<GS>")[:40]
