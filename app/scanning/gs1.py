"""GS1 element strings: catching a lost separator before its garbage becomes a lot or serial number.

A variable-length field (lot 10, serial 21) ends with FNC1, sent by scanners as GS (ASCII 29). A scanner
that drops it glues the next field onto the variable one: `10LOT42<GS>21SN-77` arrives as
`10LOT4221SN-77`, and a parser reads lot "LOT4221SN-77" with no serial (Odoo issue 99730). biip cannot
know; this module looks inside the variable-length values of a string that had no GS for another field
that would parse cleanly: a lot/serial, or a date (17, 11, 15) that is a real date.

It is a heuristic: a lot that really contains "21" followed by 3 or more characters, in a code that has
no other variable-length field, is also refused. The message then tells the worker to run scanner setup,
which proves whether the scanner sends separators (see app.scanning.diagnose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.scanning.normalize import GS

VARIABLE_AIS = ("10", "21")
DATE_AIS = ("17", "11", "15")
_MIN_SWALLOWED = 3  # "SN1021" (serial with a "10" and two digits) is a serial, not a lost lot


@dataclass(frozen=True)
class SwallowedField:
    container_ai: str
    swallowed_ai: str
    value: str  # the whole value as read, e.g. "LOT4221SN-77"


def _valid_date(yymmdd: str) -> bool:
    if not re.fullmatch(r"\d{6}", yymmdd):
        return False
    year, month, day = 2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if day == 0:  # GS1: day 00 means the end of the month
        day = 1
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _embedded_field(value: str, container: str, present: set[str]) -> str | None:
    """The AI hidden in `value`, if a well-formed field starts at some position after the first."""
    for i in range(1, len(value) - 1):
        ai = value[i:i + 2]
        rest = value[i + 2:]
        if ai in present or ai == container:
            continue
        if ai in DATE_AIS and _valid_date(rest[:6]) and (len(rest) == 6 or rest[6:8] in VARIABLE_AIS):
            return ai
        if ai in VARIABLE_AIS and len(rest) >= _MIN_SWALLOWED and re.fullmatch(r"[!-~]{1,20}", rest):
            return ai
    return None


def find_swallowed_field(raw: str, fields: list[tuple[str, str]]) -> SwallowedField | None:
    """`fields` are (ai, value) pairs as parsed. None when the string carried GS or nothing looks glued."""
    if GS in raw:
        return None  # the scanner does send separators
    present = {ai for ai, _ in fields}
    for ai, value in fields:
        if ai in VARIABLE_AIS:
            swallowed = _embedded_field(value, ai, present)
            if swallowed is not None:
                return SwallowedField(ai, swallowed, value)
    return None


LOST_GS_MESSAGE = (
    "The scanner is not sending GS1 separators, so this barcode's lot or serial cannot be read safely "
    "(it arrived as '{value}'). Nothing was recorded. Run scanner setup (F2 or scan CMD-SETUP)."
)
