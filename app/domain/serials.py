"""What a serial number can be, checked at the serial step before it is stored, printed and exported.

A serial ends up on the relabel (ZPL), on the slip (PDF), in CSV exports opened in spreadsheets and in the
central database, and it is compared with the RMA's expected serial. Text that is not a serial (a control
character, a ZPL command, a formula, an RMA number scanned at the wrong step) must be refused there, with
words saying what is wrong and what to do.
"""

from __future__ import annotations

import itertools
import re

from app.scanning.classify import ScanKind, classify_scan
from app.scanning.normalize import visible

# A serial is 1-40 ASCII letters and digits, with - / . after the first character. That covers the serials
# manufacturers print (S/N labels, IMEIs, GS1 AI 21 as used in practice) and none of these characters means
# anything to ZPL (^ ~), to a spreadsheet (= + - @ at the start) or to a CSV file (, ; quotes).
SERIAL_MAX = 40
_SERIAL_CHARACTERS = re.compile(r"[A-Za-z0-9./-]")
_FORMULA_STARTS = ("=", "+", "-", "@")
_ZPL_CONTROLS = ("^", "~")
_NEVER = r"(?!)"  # a pattern that matches nothing, for a site setting not given
_OTHER_CODES = {
    ScanKind.RMA: "an RMA number",
    ScanKind.LPN: "one of our LPN labels",
    ScanKind.TOTE: "a tote barcode",
    ScanKind.BADGE: "a badge",
    ScanKind.COMMAND: "a command barcode",
}
_SCAN_THE_SERIAL = "Scan the serial number on the item (often marked S/N or SN), or type it, then Enter."


def serial_problem(text: str, expected: str | None = None, *, rma_pattern: str | None = None,
                   badge_pattern: str | None = None) -> str | None:
    """None when `text` can be stored as a serial number; else what is wrong and what to do, in plain words.

    `text` is the serial as it would be stored (the caller strips the line ending and surrounding spaces of
    a typed line). Refused: empty text; control or invisible characters; ZPL's `^` and `~`; a spreadsheet
    formula start (`=`, `+`, `-`, `@`); spaces; more than 40 characters; anything but ASCII letters,
    digits and `- / .`; and another kind of code: an LPN, tote, command, and, when the site's patterns are
    given (`rma_pattern`, `badge_pattern` as in the station settings), an RMA number or a badge.

    `expected` is the RMA line's expected serial, when it has one. The serial must then have its format:
    the same length and the same run of letters and digits (`SN12345678`: 2 letters, then 8 digits; letter
    case does not matter). A *different* serial of the right format is not a problem here: that is the
    `serial_mismatch` flag, raised at intake. A code that looks like the expected serial is not refused as
    another kind of code (an RMA whose serials look like badges).

    Pure: no I/O; the same text always gives the same answer.
    """
    return (_text_problem(text)
            or _other_code_problem(text, expected, rma_pattern, badge_pattern)
            or _format_problem(text, expected))


def _text_problem(text: str) -> str | None:
    if not text:
        return f"No serial number was entered. {_SCAN_THE_SERIAL}"
    hidden = sorted({c for c in text if not c.isprintable()})
    if hidden:
        return (f"The serial contains invisible or control characters ({visible(''.join(hidden))}), so it is not "
                "what the label says. Scan it again; if that keeps happening, type it.")
    if any(c in text for c in _ZPL_CONTROLS):
        return ("The serial contains ^ or ~, which label printers take as commands, and no serial number has "
                "them. Type the serial exactly as printed on the item.")
    if text.startswith(_FORMULA_STARTS):
        return (f"The serial starts with '{text[0]}', which a spreadsheet would run as a formula, and no serial "
                "number does. Type the serial exactly as printed on the item.")
    if " " in text:
        return "The serial contains a space; serial numbers have none. Type it without spaces."
    if len(text) > SERIAL_MAX:
        return (f"The serial is {len(text)} characters long; a serial number has at most {SERIAL_MAX}. Check "
                f"that you scanned the serial number, not another barcode. {_SCAN_THE_SERIAL}")
    wrong = sorted({c for c in text if not _SERIAL_CHARACTERS.fullmatch(c)})
    if wrong:
        shown = " ".join(f"'{c}'" for c in wrong)
        return (f"The serial contains {shown}, which a serial number cannot have (letters, digits, - / . "
                "only). Type the serial exactly as printed on the item.")
    return None


def _other_code_problem(text: str, expected: str | None, rma_pattern: str | None,
                        badge_pattern: str | None) -> str | None:
    kind = _code_kind(text, rma_pattern, badge_pattern)
    if kind is None or (expected is not None and _code_kind(expected, rma_pattern, badge_pattern) is kind):
        return None
    return f"This is {_OTHER_CODES[kind]}, not a serial number. {_SCAN_THE_SERIAL}"


def _code_kind(text: str, rma_pattern: str | None, badge_pattern: str | None) -> ScanKind | None:
    kind = classify_scan(text, rma_pattern or _NEVER, badge_pattern or _NEVER, layout_check=False).kind
    return kind if kind in _OTHER_CODES else None


def _format_problem(text: str, expected: str | None) -> str | None:
    if expected is None or _text_problem(expected) is not None:
        return None  # no expected serial, or one we cannot read a format from
    if _shape(text) == _shape(expected):
        return None
    return (f"This does not look like this item's serial number: the RMA expects a serial like {expected} "
            f"({_describe(expected)}). Check that you scanned the serial number (often marked S/N), not "
            "another barcode, and scan it again.")


def _shape(serial: str) -> str:
    """Letters as A, digits as 9, the rest as it is: "SN-1234" -> "AA-9999"."""
    return "".join("A" if c.isalpha() else "9" if c.isdigit() else c for c in serial)


def _describe(serial: str) -> str:
    """ "SN12345678" -> "2 letters, then 8 digits"."""
    parts = []
    for char, run in itertools.groupby(_shape(serial)):
        count = len(list(run))
        if char in "A9":
            noun = "letter" if char == "A" else "digit"
            parts.append(f"{count} {noun}{'' if count == 1 else 's'}")
        else:
            parts.append(f"'{char}'" if count == 1 else f"{count} × '{char}'")
    return ", then ".join(parts)
