"""`returns-desk operators list|add|deactivate|reactivate|reset-pin|unlock|set-role` (docs/operators.md).

The supervisor signs in with `--by BADGE` and their PIN (terminal, or RETURNS_DESK_PIN). In station mode a
change is written to the central database and this station's copy at once (app/review/operators_admin.py);
`list` shows this station's copy, which is what sign-in here checks.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.review.cli_auth import signed_in
from app.review.operators_admin import OperatorDesk, OperatorRow
from app.services.views import OperatorView
from app.sync.central import open_central
from app.sync.modes import open_station_database
from app.wiring import station_context

Action = Callable[[OperatorDesk, OperatorView, argparse.Namespace], OperatorRow]

ACTIONS: dict[str, tuple[Action, str]] = {
    "add": (lambda d, by, a: d.add_operator(by, a.badge, a.name, a.role), "Added"),
    "deactivate": (lambda d, by, a: d.deactivate(by, a.badge), "Deactivated"),
    "reactivate": (lambda d, by, a: d.reactivate(by, a.badge), "Reactivated"),
    "reset-pin": (lambda d, by, a: d.reset_pin(by, a.badge), "PIN reset for"),
    "unlock": (lambda d, by, a: d.unlock(by, a.badge), "Unlocked"),
    "set-role": (lambda d, by, a: d.change_role(by, a.badge, a.role), "Role changed for"),
}


def run_operators(args: argparse.Namespace, settings: Settings) -> int:
    with _operator_desk(settings) as desk:
        if args.operators_command == "list":
            rows = desk.list_operators()
            now = desk.ctx.clock.now()
            print(json.dumps({"operators": [row_json(r) for r in rows]}, indent=2) if args.json
                  else table(rows, now))
            return 0
        action, done = ACTIONS[args.operators_command]
        by = signed_in(desk.db, desk.ctx, args.by)
        row = action(desk, by, args)
    print(f"{done} {row.badge} ({row.name}): {state_words(row)}.{_next_step(args.operators_command, row)}")
    return 0


@contextmanager
def _operator_desk(settings: Settings) -> Iterator[OperatorDesk]:
    db: Database = open_station_database(settings)
    central = open_central(settings) if settings.mode == "station" else None
    try:
        migrate.ensure_current(db)
        yield OperatorDesk(db, station_context(settings), central)
    finally:
        db.dispose()
        if central is not None:
            central.dispose()


def _next_step(command: str, row: OperatorRow) -> str:
    if command in ("add", "reset-pin"):
        return f" {row.name} chooses a new PIN at the next sign-in with badge {row.badge}."
    return ""


def state_words(row: OperatorRow) -> str:
    parts = [row.role, "active" if row.active else "deactivated"]
    if not row.has_pin:
        parts.append("no PIN yet")
    if row.locked_until is not None:
        parts.append(f"locked until {row.locked_until.astimezone():%H:%M}")
    return ", ".join(parts)


def row_json(row: OperatorRow) -> dict[str, object]:
    """One operator in `operators list --json` (documented in docs/operators.md; never a PIN or its hash)."""
    return {"id": row.id, "badge": row.badge, "name": row.name, "role": row.role, "active": row.active,
            "has_pin": row.has_pin, "failed_pins": row.failed_pins,
            "locked_until": row.locked_until.isoformat() if row.locked_until else None}


def table(rows: list[OperatorRow], now: datetime) -> str:
    lines = [f"{'badge':<10} {'name':<28} {'role':<11} state"]
    for row in rows:
        lines.append(f"{row.badge:<10} {row.name[:28]:<28} {row.role:<11} {state_words(row).split(', ', 1)[1]}")
    locked = sum(1 for r in rows if r.locked_until is not None and r.locked_until > now)
    lines.append(f"{len(rows)} operator(s)" + (f", {locked} locked (unlock with `operators unlock BADGE`)"
                                              if locked else ""))
    return "\n".join(lines)
