"""Scanner text as the station's settings describe it → the plain text the parser reads.

Scanners are set up in many ways: a prefix or suffix of their own, and the GS1 separator (FNC1) sent as
ASCII 29 or as a printable substitute, because a keyboard wedge cannot always type ASCII 29. Wedge and
serial input both go through `ScanFormat.normalise`, so the parser sees one form only: AIM identifier
(if any) kept at the front, ASCII 29 between GS1 fields, no prefix, suffix or terminator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

GS = "\x1d"
# `]` + symbology letter + modifier digit/letter (ISO/IEC 15424), e.g. ]C1 GS1-128, ]E0 EAN, ]d2 GS1 DataMatrix.
AIM_PATTERN = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# AIM identifiers that say "this is GS1 data".
GS1_SYMBOLOGIES = {"]C1", "]e0", "]d2", "]Q3", "]J1"}
_ESCAPES = {r"\t": "\t", r"\r": "\r", r"\n": "\n"}
# ASCII control characters but GS, which separates GS1 fields.
_ASCII_CONTROLS = {c: None for c in [*range(32), 127] if c != ord(GS)}


def unescape(setting: str) -> str:
    r"""A setting as a person writes it in a TOML file: `\x1d` is ASCII 29 (`<GS>` stays literal text)."""
    text = setting
    for written, char in _ESCAPES.items():
        text = text.replace(written, char)
    return re.sub(r"\\x([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def plain_characters(text: str) -> str:
    """Scan text with what the eye cannot see removed and look-alike characters made plain, ends stripped.

    Barcodes hold ASCII, but text on its way from a scanner or a paste picks up a BOM, zero-width spaces,
    no-break spaces, NULs, or digits of another script (an IME's fullwidth `１２３`, Arabic-Indic `١٢٣`). The
    parser must see the code the label carries, so: NFKC (fullwidth letters and digits become ASCII, every
    kind of space a plain space), any decimal digit becomes its ASCII digit, control and format characters
    and line separators (Cc, Cf, Zl, Zp) are dropped except GS, and surrounding spaces are stripped.
    """
    if text.isascii():  # the scanner's case: only controls to drop, fast
        return text.translate(_ASCII_CONTROLS).strip(" ")
    return "".join(_plain(c) for c in unicodedata.normalize("NFKC", text)).strip(" ")


def _plain(char: str) -> str:
    if char == GS or (char.isascii() and char.isprintable()):
        return char
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp"):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return " " if category == "Zs" else char


def visible(text: str) -> str:
    """Control characters made readable for messages and the screen."""
    return "".join(
        "⟨GS⟩" if c == GS else c if c.isprintable() else f"⟨{ord(c):02X}⟩" for c in text
    )


@dataclass(frozen=True)
class ScanFormat:
    prefix: str = ""
    suffix: str = ""
    gs_substitute: str = ""  # what the scanner sends instead of ASCII 29 ("" = ASCII 29 itself)

    @classmethod
    def from_settings(cls, prefix: str, suffix: str, gs_substitute: str) -> ScanFormat:
        return cls(unescape(prefix), unescape(suffix), unescape(gs_substitute))

    def has_prefix(self, text: str) -> bool:
        return bool(self.prefix) and text.startswith(self.prefix)

    def normalise(self, text: str) -> str:
        text = text.strip("\r\n")
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix):]
        if self.suffix and text.endswith(self.suffix):
            text = text[: -len(self.suffix)]
        if self.gs_substitute:
            text = text.replace(self.gs_substitute, GS)
        # A separator right after the AIM id or at the end carries no data (some scanners send a leading FNC1).
        aim = AIM_PATTERN.match(text)
        head, body = (text[:3], text[3:]) if aim else ("", text)
        return head + body.strip(GS)
