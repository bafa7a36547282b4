"""Characters an imported value may not hold, named so a person can find what they cannot see.

A SKU, GTIN, RMA number or badge with a hidden character (byte-order mark, zero-width space, NUL…) can
never match a scan, and in a description it prints as a box or nothing; so imports refuse them and the
message says which character it is and where, since the value itself looks right on screen.
"""

from __future__ import annotations

import unicodedata

# Unicode "other" categories a font does not draw (control, format, private use, surrogate) and line breaks.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
REPLACEMENT = "\ufffd"  # left behind by a conversion from the wrong encoding
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_NAMES = {
    "\x00": "NUL character",
    "\t": "tab",
    "\n": "line feed",
    "\r": "carriage return",
    "\x7f": "delete character",
    "\u00a0": "no-break space",
    "\u00ad": "soft hyphen",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u2060": "word joiner",
    "\u202f": "narrow no-break space",
    "\u3000": "ideographic space",
    "\ufeff": "byte-order mark",
    REPLACEMENT: "replacement character \ufffd",
}


def is_clean(value: str) -> bool:
    """True when the value holds nothing to refuse or normalise (the usual case, checked at C speed)."""
    return value.isprintable() and REPLACEMENT not in value


def first_forbidden(value: str) -> int | None:
    """Index of the first character no value may hold, or None."""
    # isprintable() is False for every forbidden character (and for odd spaces and unassigned code points):
    # a C-speed pass that leaves the loop below to the rare value that needs it, even in 100k-row files.
    if is_clean(value):
        return None
    for index, ch in enumerate(value):
        if ch == REPLACEMENT or unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return index
    return None


def first_odd_space(value: str) -> int | None:
    """Index of the first white space that is not a plain space (no-break space, em space…), or None."""
    if value.isprintable():
        return None
    for index, ch in enumerate(value):
        if ch != " " and ch.isspace():
            return index
    return None


def plain_spaces(value: str) -> str:
    """Free text with every Unicode space (no-break, narrow, ideographic…) as a plain space."""
    if value.isprintable():
        return value
    return "".join(" " if ch.isspace() else ch for ch in value)


def char_name(ch: str) -> str:
    """'zero-width space (U+200B)': what a person can search for or recognise."""
    name = _NAMES.get(ch) or unicodedata.name(ch, "").lower() or "control character"
    return f"{name} (U+{ord(ch):04X})"


def shown(value: str) -> str:
    """The value with every invisible or odd character written as <U+XXXX>, so a message can point at it."""
    return "".join(
        f"<U+{ord(ch):04X}>" if first_forbidden(ch) is not None or first_odd_space(ch) is not None else ch
        for ch in value
    )


def forbidden_problem(column: str, value: str, index: int, *, secret: bool = False) -> str:
    """What is wrong with the character at `index` and what to do; a secret value (a PIN) is never shown."""
    ch = value[index]
    where = f"at character {index + 1}" if secret else f"'{shown(value)}'"
    if ch in _LINE_BREAKS:
        return f"{column} {where} contains a line break, the {char_name(ch)}: put the value on one line"
    if ch == REPLACEMENT:
        return (
            f"{column} {where} contains the {char_name(ch)}, left by a conversion from another encoding: "
            "export the file again as 'CSV UTF-8' from the original data"
        )
    kind = "a control character" if unicodedata.category(ch) == "Cc" else "an invisible character"
    return (
        f"{column} {where} contains {kind}, the {char_name(ch)}: delete it "
        "(it cannot be seen: retype the value or delete the characters around it)"
    )


def ascii_digits_problem(column: str, value: str) -> str | None:
    """Digits from another script (fullwidth ５, Arabic-Indic ٥) look like digits but are not 0-9."""
    if value.isascii():
        return None
    for ch in value:
        if ch.isdigit():
            return (
                f"{column} '{value}' contains the {char_name(ch)}, not one of the digits 0-9: "
                "type the number with plain digits"
            )
    return None
