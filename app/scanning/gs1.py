"""GS1 data read with biip: element strings, `(01)…` text and Digital Links, and what is wrong when it fails.

`read_gs1` gives the fields or says, in words, what is wrong: a field code that is not assigned, a field
longer than its AI allows, a date that does not exist, one AI given twice with two values, or a lost
separator.

Catching a lost separator before its garbage becomes a lot or serial number:

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
from urllib.parse import parse_qsl, unquote, urlsplit

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message

from app.domain.codes import check_digit
from app.scanning.normalize import GS, GS1_SYMBOLOGIES, visible

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


class Gs1Unreadable(ValueError):
    """GS1 data that cannot be used. The message says what is wrong, in words for the worker."""


class LostSeparator(Gs1Unreadable):
    """A lot or serial swallowed the next field: the scanner drops GS1 separators."""


# The GS1 keys a Digital Link path starts from (GS1 Digital Link standard, primary identifiers).
_LINK_KEYS = {"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013",
              "8017", "8018"}
_HRI_START = re.compile(r"^\(\d{2,4}\)")
_GTIN_KEY = re.compile(r"^0[123]\d{14}")
_SSCC_KEY = re.compile(r"^00\d{18}")
_NO_FIELDS = "its fields could not be found"


def read_gs1(body: str, symbology: str | None) -> list[GS1ElementString] | None:
    """The fields of the GS1 data in `body` (element string, `(01)…` text or Digital Link), each AI once.

    None when `body` is not GS1 data (a SKU that starts with two digits stays a SKU). Raises
    `Gs1Unreadable` for GS1 data that cannot be used: a field that is not assigned, too long or not a real
    date, one AI with two different values, and (`LostSeparator`) a separator the scanner dropped.
    """
    if body[:8].lower().startswith(("http://", "https://")):
        elements = _digital_link(body)
    elif _HRI_START.match(body):
        elements = _hri(body)
    elif symbology in GS1_SYMBOLOGIES or (len(body) >= 4 and body[:2].isdigit()):
        elements = _element_string(body, symbology)
    else:
        return None
    return None if elements is None else _once_each(elements)


def evidently_gs1(body: str, symbology: str | None) -> bool:
    """Without a GS1 AIM id or a GS, only a leading GTIN or SSCC with a right check digit says "GS1"."""
    if symbology in GS1_SYMBOLOGIES or GS in body:
        return True
    if _GTIN_KEY.match(body):
        return check_digit(body[2:15]) == body[15]
    return bool(_SSCC_KEY.match(body)) and check_digit(body[2:19]) == body[19]


def _element_string(body: str, symbology: str | None) -> list[GS1ElementString] | None:
    try:
        # The element-string parser alone: twice as fast as biip.parse, which also tries GTIN, UPC, SSCC.
        message = GS1Message.parse(body)
    except ParseError as exc:
        if evidently_gs1(body, symbology):
            raise Gs1Unreadable(_explain_element_string(body)) from exc
        return None
    except Exception:  # biip raises only ParseError by design; a scan must never crash intake
        return None
    elements = list(message.element_strings)
    swallowed = find_swallowed_field(body, [(e.ai.ai, e.value) for e in elements])
    if swallowed is not None:
        raise LostSeparator(LOST_GS_MESSAGE.format(value=visible(swallowed.value)))
    return elements


def _hri(body: str) -> list[GS1ElementString]:
    try:
        return list(GS1Message.parse_hri(body).element_strings)
    except ParseError as exc:
        pairs = re.findall(r"\((\d+)\)([^(]*)", "".join(body.split()))
        raise Gs1Unreadable(_explain_pairs(pairs)) from exc


def _digital_link(body: str) -> list[GS1ElementString] | None:
    # Scheme and host are case-insensitive; QR codes often carry the URI in capitals (alphanumeric mode).
    scheme, _, rest = body.partition("://")
    host, slash, path = rest.partition("/")
    uri = f"{scheme.lower()}://{host.lower()}{slash}{path}"
    try:
        return list(GS1DigitalLinkURI.parse(uri).element_strings)
    except ParseError as exc:
        pairs = _link_pairs(uri)
        if not any(ai in _LINK_KEYS for ai, _ in pairs):
            return None  # a web address, not a GS1 Digital Link
        raise Gs1Unreadable(_explain_pairs(pairs)) from exc
    except Exception:  # biip raises only ParseError by design; a scan must never crash intake
        return None


def _link_pairs(uri: str) -> list[tuple[str, str]]:
    """(AI, value) pairs of a Digital Link's path and query, as far as they can be seen."""
    parts = urlsplit(uri)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    pairs = [(ai, value) for ai, value in zip(segments, segments[1:], strict=False) if _exact_ai(ai)]
    pairs += [(ai, value) for ai, value in parse_qsl(parts.query) if _exact_ai(ai)]
    # A short GTIN in a link is zero-padded to 14 digits (GS1 Digital Link standard).
    return [("01", v.zfill(14)) if ai == "01" and len(v) in (8, 12, 13) else (ai, v) for ai, v in pairs]


def _once_each(elements: list[GS1ElementString]) -> list[GS1ElementString]:
    """Each AI once: a repeat with the same value is harmless, two different values cannot both be true."""
    seen: dict[str, str] = {}
    unique = []
    for element in elements:
        before = seen.get(element.ai.ai)
        if before is None:
            seen[element.ai.ai] = element.value
            unique.append(element)
        elif before != element.value:
            raise Gs1Unreadable(f"it gives GS1 field ({element.ai.ai}) twice, as '{visible(before)}' and as "
                                f"'{visible(element.value)}'")
    return unique


def _explain_element_string(body: str) -> str:
    """What is wrong in an element string biip refused: the first field that is not what its AI says."""
    rest = body
    while rest:
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            return f"'{visible(rest[:4])}' does not start a GS1 field (no such application identifier)"
        data = rest[len(ai.ai):]
        length = _fixed_length(ai)
        if length is None:
            value, _, rest = data.partition(GS)
        else:
            value, rest = data[:length], data[length:]
        problem = field_problem(ai, value)
        if problem is not None:
            return problem
        rest = rest.lstrip(GS)
    return _NO_FIELDS


def _explain_pairs(pairs: list[tuple[str, str]]) -> str:
    for code, value in pairs:
        ai = _exact_ai(code)
        if ai is None:
            return f"there is no GS1 field ({code})"
        problem = field_problem(ai, value)
        if problem is not None:
            return problem
    return _NO_FIELDS


def field_problem(ai: GS1ApplicationIdentifier, value: str) -> str | None:
    """What is wrong with `value` as the data of `ai`, in words; None when biip reads it."""
    try:
        GS1ElementString.parse(ai.ai + value)
    except ParseError:
        pass
    else:
        return None
    limit = _max_length(ai)
    if not value:
        return f"GS1 field ({ai.ai}) is empty"
    if len(value) > limit:
        return f"GS1 field ({ai.ai}) is longer than the {limit} characters it may have ('{visible(value[:24])}…')"
    if "YYMMDD" in ai.description:
        return f"GS1 field ({ai.ai}) is not a valid date ('{visible(value)}', read as YYMMDD)"
    return f"GS1 field ({ai.ai}) must be {_describe(ai)}, not '{visible(value[:24])}'"


def _exact_ai(code: str) -> GS1ApplicationIdentifier | None:
    try:
        ai = GS1ApplicationIdentifier.extract(code)
    except ParseError:
        return None
    return ai if ai.ai == code else None


def _data_format(ai: GS1ApplicationIdentifier) -> str:
    return ai.format.split("+", 1)[1] if "+" in ai.format else ai.format  # "N2+X..20" -> "X..20"


def _fixed_length(ai: GS1ApplicationIdentifier) -> int | None:
    """The data length of a predefined-length AI (no separator after it), e.g. 14 for (01)."""
    found = None if ai.separator_required else re.fullmatch(r"N(\d+)", _data_format(ai))
    return int(found.group(1)) if found else None


def _max_length(ai: GS1ApplicationIdentifier) -> int:
    data = _data_format(ai)
    return sum(int(n) for n in re.findall(r"[NXYZ](?:\.\.)?(\d+)", data)) + data.count("[-]")


def _describe(ai: GS1ApplicationIdentifier) -> str:
    """ "N3+N..15" -> "3 digits, then up to 15 digits"."""
    parts = []
    for optional, kind, upto, count in re.findall(r"(\[)?\+?([NXYZ])(\.\.)?(\d+)", _data_format(ai)):
        noun = ("digit" if kind == "N" else "character") + ("" if count == "1" else "s")
        parts.append(f"{'up to ' if upto else ''}{count} {noun}{' (optional)' if optional else ''}")
    return ", then ".join(parts) or _data_format(ai)
