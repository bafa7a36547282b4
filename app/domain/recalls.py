"""Which recall notice a returned unit falls under: GTIN + lot range and/or serial range (pure, no database).

A notice row names a GTIN and the affected units:
- no lot and no serial range: every unit of that GTIN;
- a lot range (lot_from..lot_to, or one lot when only lot_from is given) and/or a serial range likewise;
  when a row has both, a unit must be in both (the serials of those lots). Recall by lot *or* serial with
  two rows.
Ranges compare codes the way people read them ("natural" order): runs of digits as numbers, the rest as
upper-case text, so L9 < L10 < L100 and SN-0990 < SN-1000, where plain text order would put L100 before L9.

A unit whose lot or serial the notice needs is not known yet (a plain EAN scan, the serial not scanned) is a
*possible* match: it is held like a recalled one, since a recalled unit must never be restocked, and the
card says what to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_RUNS = re.compile(r"[0-9]+|[^0-9]+")

CodeKey = tuple[tuple[int, int, str], ...]


def code_key(code: str) -> CodeKey:
    """A sort key in natural order: digits by value (then by length, so 007 and 7 stay distinct), text upper."""
    key: list[tuple[int, int, str]] = []
    for run in _RUNS.findall(code.strip().upper()):
        if run.isdigit() and run.isascii():
            key.append((0, int(run), run))
        else:
            key.append((1, 0, run))
    return tuple(key)


def in_range(value: str, low: str, high: str | None) -> bool:
    """Whether `value` lies in low..high (both ends included); without `high` the range is `low` alone."""
    key = code_key(value)
    return code_key(low) <= key <= code_key(high if high else low)


def range_problem(low: str | None, high: str | None, what: str) -> str | None:
    """Why a range as written cannot be used, in words; None when it is fine."""
    if high and not low:
        return f"{what}_to is given without {what}_from: fill in {what}_from (the first {what} of the range)"
    if low and high and code_key(low) > code_key(high):
        return f"{what}_from '{low}' comes after {what}_to '{high}': swap them"
    return None


@dataclass(frozen=True)
class RecallNotice:
    """One row of the recall table, as plain data."""

    reference: str
    gtin: str
    lot_from: str | None = None
    lot_to: str | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    notice: str = ""

    @property
    def label(self) -> str:
        """The words that name the notice: its reference, else the start of its text."""
        return self.reference or self.notice[:40] or f"recall of GTIN {self.gtin}"

    def affected(self) -> str:
        """Which units the notice covers, in words (for the card and the docs)."""
        parts = []
        if self.lot_from:
            parts.append(_range_words("lot", self.lot_from, self.lot_to))
        if self.serial_from:
            parts.append(_range_words("serial", self.serial_from, self.serial_to))
        return " and ".join(parts) if parts else "every unit"


def _range_words(what: str, low: str, high: str | None) -> str:
    if not high or high == low:
        return f"{what} {low}"
    return f"{what}s {low} to {high}"


@dataclass(frozen=True)
class RecallMatch:
    """A unit under a notice. `certain` is False when the lot or serial the notice needs is not known yet."""

    notice: RecallNotice
    certain: bool
    missing: str = ""  # "lot" / "serial" / "lot and serial": what to check on the unit when not certain

    @property
    def reference(self) -> str:
        return self.notice.label[:60]


def match_recall(notice: RecallNotice, lot: str | None, serial: str | None) -> RecallMatch | None:
    """The match of one unit (its lot and serial, None when unknown) against one notice of its GTIN."""
    missing = []
    for low, high, value, what in (
        (notice.lot_from, notice.lot_to, lot, "lot"),
        (notice.serial_from, notice.serial_to, serial, "serial"),
    ):
        if not low:
            continue  # the notice does not limit by this
        if not value:
            missing.append(what)
        elif not in_range(value, low, high):
            return None
    return RecallMatch(notice, certain=not missing, missing=" and ".join(missing))


def find_recall(
    notices: Iterable[RecallNotice], gtin: str | None, lot: str | None, serial: str | None
) -> RecallMatch | None:
    """The notice a unit falls under: a certain match before a possible one, then by reference (stable)."""
    if not gtin:
        return None
    matches = [m for n in notices if n.gtin == gtin and (m := match_recall(n, lot, serial)) is not None]
    if not matches:
        return None
    return min(matches, key=lambda m: (not m.certain, m.notice.reference, m.notice.lot_from or ""))
