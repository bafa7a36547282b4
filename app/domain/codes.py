"""The codes of the returns dock as the domain writes them: GTINs, our LPNs and our totes.

One implementation each, used by the importers (GTIN columns), the classifier (what a scan is), finalize
(the next LPN) and totes (the next tote). Printed codes are upper case; a scan of one in lower case (caps
lock, a hand-typed label) is still the same code, so recognition is case-insensitive and gives back the
canonical upper-case value.
"""

from __future__ import annotations

import re

_GTIN_SHAPE = re.compile(r"[0-9]{8}|[0-9]{12,14}")
# The relabel: LP-<station>-<7 digits>, e.g. LP-D01-0000042 (station ids are 2-6 capitals or digits).
LPN_PATTERN = re.compile(r"^LP-[A-Z0-9]{2,6}-\d{7}$")
# Agreed with printing (issue 4): one tote per disposition per station, e.g. TOTE-D01-00042.
TOTE_PATTERN = re.compile(r"^TOTE-[A-Z0-9]{2,6}-\d{5,7}$")  # numbers go on past 99,999 (5 to 7 digits)


class GtinError(ValueError):
    """The value is not a GTIN. The message is meant for a person (without the "what to do" part)."""


def normalize_gtin(value: str) -> str:
    """Validate a GTIN-8/12/13/14 (ASCII digits, mod-10 check digit) and return it as 14 digits."""
    text = value.strip()
    # biip also accepts non-ASCII digits and surrounding spaces; a catalog must hold plain digits.
    if not _GTIN_SHAPE.fullmatch(text):
        raise GtinError(f"'{value}' is not a GTIN (8, 12, 13 or 14 digits)")
    # biip's checksum only: `Gtin.parse` gives the same verdict but is five times slower on 100k-row catalogs.
    expected = check_digit(text[:-1])
    if expected != text[-1]:
        raise GtinError(f"'{text}' has a wrong check digit (expected {expected})")
    return text.zfill(14)


def valid_gtin(value: str) -> str | None:
    """The GTIN-14 of a valid GTIN-8/12/13/14, or None."""
    try:
        return normalize_gtin(value)
    except GtinError:
        return None


def check_digit(payload: str) -> str:
    """The mod-10 check digit for a GTIN (or SSCC) without its last digit."""
    # biip is imported where it is used: its package loads all of GS1's tables (~0.15 s), not needed to start.
    from biip.checksums import gs1_standard_check_digit

    return str(gs1_standard_check_digit(payload))


def upc_e_gtin(digits: str) -> str | None:
    """The GTIN-14 of a UPC-E (6 digits; 7 with the number system; 8 with the check digit), or None.

    UPC-E is a UPC-A with zeros suppressed; its check digit is the expanded UPC-A's, not an EAN-8's.
    """
    if not (digits.isascii() and digits.isdigit() and len(digits) in (6, 7, 8)):
        return None
    from biip import ParseError
    from biip.upc import Upc

    try:
        return Upc.parse(digits).as_gtin_14()
    except ParseError:  # wrong check digit, or a number system other than 0 or 1
        return None


def canonical(text: str, pattern: str | re.Pattern[str]) -> str | None:
    """`text` as the code `pattern` describes: as written, or upper-cased when only that matches."""
    if re.match(pattern, text):
        return text
    upper = text.upper()
    return upper if upper != text and re.match(pattern, upper) else None


def format_lpn(station_id: str, sequence: int) -> str:
    return f"LP-{station_id}-{sequence:07d}"


def canonical_lpn(text: str) -> str | None:
    """The LPN `text` is (in any case), upper case, or None."""
    return canonical(text.strip(), LPN_PATTERN)


def tote_code(station_id: str, number: int) -> str:
    return f"TOTE-{station_id}-{number:05d}"


def canonical_tote(text: str) -> str | None:
    """The tote code `text` is (in any case), upper case, or None."""
    return canonical(text.strip(), TOTE_PATTERN)


def is_tote_code(text: str) -> bool:
    """TOTE-<station>-<5 to 7 digits>, the format agreed with the scanner work (classify: ScanKind.TOTE)."""
    return canonical_tote(text) is not None
