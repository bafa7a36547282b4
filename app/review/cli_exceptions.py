"""`returns-desk exceptions [--station S] [--json]`, `override LPN ...`, `resolve LPN ACTION ...`.

Reads and writes go where the item lives: standalone and direct mode use the station's database; in station
mode the queue is read from the central database (all stations; this station only, with a banner, when it is
unreachable) and another station's item is changed in the central database directly (the central edit the
conflict rule lets win; it comes down to its station with the next sync round).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import select

from app.config import Settings
from app.db import migrate
from app.db.models import ReturnItem
from app.db.uow import Database, UnitOfWork
from app.domain.vocab import disposition_label
from app.errors import CentralUnavailable, NotFound
from app.review.cli_auth import signed_in
from app.review.exceptions import ExceptionRow, open_exceptions
from app.review.overrides import load_override_policy, override
from app.review.resolutions import resolve
from app.services.context import StationContext
from app.services.views import ItemView, OperatorView
from app.sync.central import open_central
from app.sync.modes import open_station_database, rules_folders
from app.wiring import station_context

T = TypeVar("T")
APPROVER_PIN_ENV = "RETURNS_DESK_APPROVER_PIN"


def run_exceptions(args: argparse.Namespace, settings: Settings) -> int:
    with _station_db(settings) as db:
        rows, banner = _read_site(settings, db, lambda uow: open_exceptions(uow, station=args.station))
    if banner:
        print(banner, file=sys.stderr)
    if args.json:
        print(json.dumps({"exceptions": [r.to_json() for r in rows], "count": len(rows),
                          "site": banner is None}, indent=2))
        return 0
    print(_table(rows))
    return 0


def run_override(args: argparse.Namespace, settings: Settings) -> int:
    policy = load_override_policy(rules_folders(settings)[0])
    with _station_db(settings) as db:
        ctx = station_context(settings)
        supervisor = signed_in(db, ctx, args.by)
        approver = _approver(db, ctx, args.approver)
        with _writer(settings, db, args.lpn) as (writer, item_id):
            with writer.unit_of_work() as uow:
                view = override(uow, ctx, supervisor, item_id, grade=args.grade, disposition=args.disposition,
                                reason=args.reason, note=args.note, approver=approver, policy=policy)
    print(_done("Overridden", view, writer is not db))
    return 0


def run_resolve(args: argparse.Namespace, settings: Settings) -> int:
    with _station_db(settings) as db:
        ctx = station_context(settings)
        supervisor = signed_in(db, ctx, args.by)
        with _writer(settings, db, args.lpn) as (writer, item_id):
            with writer.unit_of_work() as uow:
                view = resolve(uow, ctx, supervisor, item_id, args.action, args.note, sku=args.sku,
                               disposition=args.disposition)
    print(_done(f"Resolved ({args.action})", view, writer is not db))
    return 0


@contextmanager
def _station_db(settings: Settings) -> Iterator[Database]:
    db = open_station_database(settings)
    try:
        migrate.ensure_current(db)
        yield db
    finally:
        db.dispose()


def _read_site(settings: Settings, db: Database, read: Callable[[UnitOfWork], T]) -> tuple[T, str | None]:
    """Station mode reads the central database (all stations); unreachable: this station, with a banner."""
    if settings.mode != "station":
        with db.unit_of_work(read_only=True) as uow:
            return read(uow), None
    try:
        central = open_central(settings)
        try:
            with central.unit_of_work(read_only=True) as uow:
                return read(uow), None
        finally:
            central.dispose()
    except CentralUnavailable as exc:
        with db.unit_of_work(read_only=True) as uow:
            return read(uow), f"Central database unreachable: showing this station only ({exc})"


@contextmanager
def _writer(settings: Settings, db: Database, lpn: str) -> Iterator[tuple[Database, uuid.UUID]]:
    """The database to change the item in, and its id: this station's items here (the outbox sends them);
    in station mode another station's item in the central database directly."""
    found = _find(db, lpn)
    if found is not None and (settings.mode != "station" or found[1] == settings.station_id):
        yield db, found[0]
        return
    if settings.mode != "station":
        raise NotFound(f"No item has the label {lpn}. Check the LPN (it is on the relabel, e.g. LP-D01-0000042).")
    central = open_central(settings)
    try:
        there = _find(central, lpn)
        if there is None:
            raise NotFound(f"No item has the label {lpn}, here or in the central database. Check the LPN.")
        yield central, there[0]
    except CentralUnavailable as exc:
        raise CentralUnavailable(f"{lpn} is another station's item and the central database is unreachable: "
                                 f"only this station's items can be changed until it is back ({exc}).") from exc
    finally:
        central.dispose()


def _find(db: Database, lpn: str) -> tuple[uuid.UUID, str] | None:
    with db.unit_of_work(read_only=True) as uow:
        row = uow.session.execute(select(ReturnItem.id, ReturnItem.station_id)
                                  .where(ReturnItem.lpn == lpn.strip().upper())).first()
    return None if row is None else (row[0], str(row[1]))


def _approver(db: Database, ctx: StationContext, badge: str | None) -> OperatorView | None:
    """The second supervisor, signed in with their own PIN (terminal, or RETURNS_DESK_APPROVER_PIN)."""
    return signed_in(db, ctx, badge, env=APPROVER_PIN_ENV) if badge else None


def _done(what: str, view: ItemView, central: bool) -> str:
    where = (" in the central database; it reaches its station with the next sync round" if central else "")
    return (f"{what} {view.lpn}: grade {view.grade}, {disposition_label(view.disposition)}{where}. "
            "The relabel and slip are queued on the item's station.")


def _table(rows: list[ExceptionRow]) -> str:
    if not rows:
        return "No open exceptions: the queue is empty."
    lines = [f"{'LPN':<16} {'held since':<17} {'station':<7} {'cause':<38} {'value':>9}  item / actions"]
    for r in rows:
        lines.append(f"{r.lpn:<16} {r.since.astimezone():%Y-%m-%d %H:%M} {r.station_id:<7} {r.cause_label[:38]:<38} "
                     f"{r.unit_value_cents / 100:>9.2f}  {r.description[:40]} [{', '.join(r.resolutions)}]")
    lines.append(f"{len(rows)} open exception(s), oldest first.")
    return "\n".join(lines)
