"""The search line's filters: `grade:C disposition:liquidate station:D02 from:2026-11-28 iPhone` is the
items graded C and liquidated at station D02 since 28 November whose code or description matches "iPhone".

Keys: station, operator (a badge), from, to (days, YYYY-MM-DD, or `today`), grade, disposition, status, flag,
rule, cause. Anything else is the text (an LPN, RMA, order number, SKU, GTIN, serial or words). A scanned code
never contains a colon-key, so a scan is always text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.errors import InvalidState
from app.review.search import ItemFilter

DAY_KEYS = ("from", "to")
KEYS = {"station": "station", "operator": "operator", "from": "date_from", "to": "date_to", "grade": "grade",
        "disposition": "disposition", "status": "status", "flag": "flag", "rule": "rule", "cause": "cause"}


def parse_query(text: str, today: date) -> ItemFilter:
    """The filter a person typed; an unknown key or a bad day is refused in words."""
    words: list[str] = []
    fields: dict[str, Any] = {}
    for token in text.split():
        key, sep, value = token.partition(":")
        if not sep or key.lower() not in KEYS or not value:
            if sep and key.isalpha() and key.lower() not in KEYS and value and "/" not in value:
                raise InvalidState(f"'{key}:' is not a search key. Use: {', '.join(f'{k}:' for k in KEYS)}.")
            words.append(token)
            continue
        fields[KEYS[key.lower()]] = _value(key.lower(), value, today)
    return ItemFilter(text=" ".join(words), **fields)


def _value(key: str, value: str, today: date) -> Any:
    if key in DAY_KEYS:
        if value.lower() == "today":
            return today
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidState(f"{key}:{value} is not a day: write it as {today.isoformat()} (or today).") from None
    if key in ("station", "operator"):
        return value.upper()
    if key == "grade":
        return value.capitalize() if value.lower() == "salvage" else value.upper()
    return value.lower()


def describe_filter(found: ItemFilter) -> str:
    """The filter in words for the list's caption: 'grade A · station D01 · matching “iPhone”'."""
    parts = [f"{key} {getattr(found, field)}" for key, field in KEYS.items() if getattr(found, field)]
    parts += [label for flag, label in ((found.open_exceptions, "held for a person"),
                                        (found.quarantined, "in quarantine")) if flag]
    if found.since:
        parts.append(f"since {found.since.astimezone():%d %b %H:%M}")
    if found.text:
        parts.append(f"matching “{found.text}”")
    return " · ".join(parts)
