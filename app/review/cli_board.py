"""`returns-desk review today` (the board's figures) and `returns-desk items` (find items), as tables or as the
JSON documented in docs/supervisor-board.md. They read what the board reads (ReviewSource): in station mode the
central database, or this station with the banner (printed on stderr) when central cannot be reached."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from app.config import Settings, parse_shift_starts
from app.db import migrate
from app.db.uow import Database, UnitOfWork
from app.errors import ReturnsDeskError
from app.review.board import BoardFigures, board_figures, board_window
from app.review.recovery import load_recovery_rates
from app.review.search import ItemFilter, ItemRow, find_items
from app.review.source import ReviewSource, Scope
from app.review.stations import FleetPolicy
from app.sync.modes import open_station_database, rules_folders
from app.sync.runner import read_status

T = TypeVar("T")


def run_review(args: argparse.Namespace, settings: Settings) -> int:
    now, day_start, shift_start = board_window(shift_starts=parse_shift_starts(settings.shift_starts))
    rates = load_recovery_rates(rules_folders(settings)[0])

    def read(db: Database) -> Callable[[UnitOfWork, Scope], BoardFigures]:
        local_sync = read_status(db) if settings.mode == "station" else None

        def figures(uow: UnitOfWork, scope: Scope) -> BoardFigures:
            return board_figures(uow, now, day_start, shift_start, station=args.station, rates=rates,
                                 this_station=settings.station_id, local_sync=local_sync,
                                 fleet=FleetPolicy.of(settings))

        return figures

    board, scope = _read(settings, read)
    if args.json:
        _print_json({**board.to_json(), "scope": scope_json(scope)})
        return 0
    _banner(scope)
    where = f"station {args.station}" if args.station else scope.source
    print(f"Today at {now.astimezone():%Y-%m-%d %H:%M}, {where}")
    for tile in board.tiles():
        print(f"  {tile.title:<26} {tile.value:<22} {tile.detail}")
    return 0


def run_items(args: argparse.Namespace, settings: Settings) -> int:
    wanted = item_filter(args)
    rows, scope = _read(settings, lambda _db: lambda uow, _scope: find_items(uow, wanted))
    if args.json:
        _print_json({"format": 1, "scope": scope_json(scope), "items": [row_json(r) for r in rows]})
        return 0
    _banner(scope)
    if not rows:
        print("No items match.")
        return 0
    print(f"{'LPN':<17} {'station':<7} {'operator':<9} {'graded':<16} {'grade':<7} {'disposition':<11} "
          f"{'status':<7} description")
    for r in rows:
        graded = f"{r.finalized_at.astimezone():%Y-%m-%d %H:%M}" if r.finalized_at else "—"
        print(f"{r.lpn or '—':<17} {r.station_id:<7} {r.operator_badge:<9} {graded:<16} {r.grade or '—':<7} "
              f"{r.disposition or '—':<11} {r.status:<7} {r.description}")
    if len(rows) == wanted.limit:
        print(f"(the newest {wanted.limit}; narrow the search or raise --limit for more)")
    return 0


def item_filter(args: argparse.Namespace) -> ItemFilter:
    return ItemFilter(
        text=args.text or "", station=args.station, operator=args.operator,
        date_from=_day(args.date_from, "--from"), date_to=_day(args.date_to, "--to"), grade=args.grade,
        disposition=args.disposition, status=args.status, flag=args.flag, rule=args.rule, cause=args.cause,
        limit=max(1, args.limit),
    )


def scope_json(scope: Scope) -> dict[str, Any]:
    return {"site": scope.site, "banner": scope.banner, "source": scope.source, "station_only": scope.station_only}


def row_json(r: ItemRow) -> dict[str, Any]:
    return {
        "id": str(r.id), "lpn": r.lpn, "station": r.station_id, "operator_badge": r.operator_badge,
        "operator_name": r.operator_name, "finalized_at": r.finalized_at.isoformat() if r.finalized_at else None,
        "sku": r.sku, "description": r.description, "grade": r.grade, "disposition": r.disposition,
        "status": r.status, "flags": list(r.flags), "exception_cause": r.exception_cause,
        "overridden": r.overridden, "rma_number": r.rma_number, "serial": r.serial,
        "unit_value_cents": r.unit_value_cents,
    }


def _read(settings: Settings, make: Callable[[Database], Callable[[UnitOfWork, Scope], T]]) -> tuple[T, Scope]:
    """Open the station's database as the window does (migrated, outbox on in station mode) and read."""
    db = open_station_database(settings)
    try:
        migrate.ensure_current(db)
        source = ReviewSource(db, settings)
        try:
            return source.read(make(db))
        finally:
            source.close()
    finally:
        db.dispose()


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReturnsDeskError(f"{option} {text} is not a day: write it as YYYY-MM-DD, e.g. 2026-11-20.") from None


def _banner(scope: Scope) -> None:
    if scope.banner:
        print(scope.banner, file=sys.stderr)


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=_plain))


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
