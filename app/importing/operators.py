"""Import operators (operators.csv): upsert by badge.

The pin column is best given as a hash made by `app.security.hash_pin`; a plain 4–8 digit PIN is hashed on
import and never stored, logged or repeated in an error message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from app.config import Settings
from app.db.models import Operator, utcnow
from app.db.uow import Database
from app.domain.vocab import Role
from app.errors import ImportRowError
from app.importing.csv_reader import CsvFormat, CsvRow, ImportReport, changed, chunks, parse_rows, read_csv
from app.security import hash_pin, is_pin_hash, verify_pin

OPERATORS_FORMAT = CsvFormat(
    columns=("badge", "name", "role", "pin", "active"),
    required=frozenset({"badge", "name", "role"}),
    secret=frozenset({"pin"}),
)
_COLUMNS = (Operator.id, Operator.badge, Operator.name, Operator.role, Operator.active, Operator.pin_hash)


@dataclass
class _Row:
    csv: CsvRow
    badge: str
    fields: dict[str, Any]
    pin: str | None  # plain PIN to hash, only until it is hashed
    pin_hash: str | None  # hash given in the file


def _parse(row: CsvRow, badge_pattern: re.Pattern[str]) -> _Row:
    badge = row.station_code("badge", max_len=40, pattern=badge_pattern, setting="badge_pattern", kind="a badge")
    fields: dict[str, Any] = {
        "name": row.text("name", max_len=80, required=True),
        "role": row.choice("role", [role.value for role in Role]),
    }
    if row.has("active"):
        fields["active"] = row.boolean("active", default=True)
    pin = pin_hash = None
    value = row.raw("pin")  # never put this value into a message
    if value and is_pin_hash(value):
        if len(value) > 200:
            raise row.error("pin", "pin holds a PIN hash that is too long: copy it again from its source")
        pin_hash = value
    elif value:
        if not (value.isascii() and value.isdigit() and 4 <= len(value) <= 8):
            raise row.error(
                "pin",
                "pin is neither a PIN of 4 to 8 digits nor a PIN hash: correct it, "
                "or leave it empty so the operator sets a PIN at first sign-in",
            )
        pin = value
    return _Row(row, badge, fields, pin, pin_hash)


def _duplicate_badge(row: _Row, first: _Row) -> ImportRowError:
    return row.csv.error("badge", f"badge '{row.badge}' is also on row {first.csv.row}: keep one row per badge")


def import_operators(
    db: Database, path: Path, *, skip_bad: bool = False, badge_pattern: str = Settings.badge_pattern
) -> ImportReport:
    """Insert new badges, update changed ones, leave equal ones alone.

    A badge that `badge_pattern` (the stations' setting) does not match is refused: it could never sign in.
    An empty pin keeps the operator's current PIN (a new operator sets one at first sign-in); a plain PIN
    that the stored hash already accepts counts as unchanged and is not hashed again.
    """
    csv_file = read_csv(path, OPERATORS_FORMAT)
    pattern = re.compile(badge_pattern)
    good, errors = parse_rows(csv_file, lambda row: _parse(row, pattern), lambda row: row.badge, _duplicate_badge)
    skipped = errors.finish(skip_bad)

    with db.unit_of_work() as uow:
        existing: dict[str, dict[str, Any]] = {}
        for part in chunks(list(good)):
            for rec in uow.session.execute(select(*_COLUMNS).where(Operator.badge.in_(part))).mappings():
                existing[rec["badge"]] = dict(rec)
        inserts, updates, unchanged = _plan(good, existing)
        # Rows differ in which keys they set (pin or not): one statement per row keeps that simple; few rows.
        for values in updates:
            op_id = values.pop("id")
            uow.session.execute(update(Operator).where(Operator.id == op_id).values(**values))
        if inserts:
            uow.session.execute(insert(Operator), inserts)
    return csv_file.report(len(inserts), len(updates), unchanged, skipped)


def _plan(
    good: dict[str, _Row], existing: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = 0
    now = utcnow()
    for badge, row in good.items():
        old = existing.get(badge)
        fields = _with_pin(row, old["pin_hash"] if old else None)
        if old is None:
            inserts.append({"badge": badge, "pin_hash": None, "active": True, **fields, "updated_at": now})
        elif changed(old, fields):
            updates.append({"id": old["id"], **fields, "updated_at": now})
        else:
            unchanged += 1
    return inserts, updates, unchanged


def _with_pin(row: _Row, stored: str | None) -> dict[str, Any]:
    """The row's fields plus the PIN hash to store, if the row changes it (a known plain PIN is not rehashed)."""
    fields = dict(row.fields)
    if row.pin_hash is not None:
        fields["pin_hash"] = row.pin_hash
    elif row.pin is not None and not (stored and verify_pin(row.pin, stored)):
        fields["pin_hash"] = hash_pin(row.pin)
    return fields
