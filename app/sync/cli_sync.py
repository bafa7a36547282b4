"""`returns-desk sync --once` and `returns-desk sync status`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app.config import Settings
from app.db import migrate
from app.db.engine import describe_url
from app.db.uow import Database
from app.errors import ConfigError
from app.sync.backfill import backfill, missing_centrally
from app.sync.central import open_central
from app.sync.push import PushResult
from app.sync.runner import read_status, sync_once
from app.sync.site_files import publish
from app.wiring import station_context


def run_sync(args: argparse.Namespace, settings: Settings) -> int:
    if args.central:
        settings = replace(settings, central_db=args.central)
    if args.action is None and not args.once and not args.backfill:
        print("error: say what to do: `returns-desk sync --once`, `returns-desk sync --backfill` or "
              "`returns-desk sync status`.", file=sys.stderr)
        return 2
    if settings.mode == "direct":
        raise ConfigError("This station works directly on the central database (mode direct): "
                          "there is nothing to sync. See docs/central-database.md.")
    local = Database(settings.db)
    try:
        migrate.ensure_current(local)
        if args.action == "status":
            return _status(local, settings)
        if args.backfill:
            _backfill(local)
            if not args.once:
                return 0
        central = open_central(settings)
        try:
            report = sync_once(local, central, settings.station_id, ctx=station_context(settings),
                               min_version=settings.min_version)
            print(f"Pulled {report.pulled.total} changed master-data rows "
                  f"({', '.join(f'{k} {v}' for k, v in report.pulled.rows.items())}).")
            return _say_pushed(report.pushed, missing_centrally(local, central, settings.station_id))
        finally:
            central.dispose()
    finally:
        local.dispose()


def _say_pushed(pushed: PushResult, missing: int) -> int:
    """What went up, and (honestly) whether the central database still lacks items this station has."""
    if pushed.sent:
        print(f"Pushed {pushed.sent} changes ({pushed.replayed} already there), "
              f"{len(pushed.conflicts)} conflict(s) logged.")
    else:
        print("Pushed 0 changes: nothing was waiting.")
    if not missing:
        return 0
    print(f"The central database lacks {missing} of this station's final or voided items (made while the "
          "outbox was off?): run `returns-desk sync --backfill`, then `returns-desk sync --once`.", file=sys.stderr)
    return 1


def _backfill(local: Database) -> None:
    queued = backfill(local)
    total = sum(queued.values())
    detail = ", ".join(f"{table} {n}" for table, n in queued.items() if n)
    print(f"Queued {total} changes the central database has not had from this station"
          + (f" ({detail}); they go up with the next sync round." if total else ": everything was already queued."))


def _status(local: Database, settings: Settings) -> int:
    status = read_status(local)
    print(f"mode: {settings.mode}")
    print(f"central database: {_shown(settings.central_db)}")
    print(f"last sync: {status.last_sync_at.astimezone():%Y-%m-%d %H:%M:%S}" if status.last_sync_at
          else "last sync: never")
    print(f"waiting to be sent: {status.waiting}")
    if status.set_aside is not None:  # refused for good centrally: kept here, not sent again, for IT
        print(f"set aside: {status.set_aside.line()}")
        print(f"  why: {status.set_aside.error}")
    print(f"conflicts logged: {status.conflicts}")
    print(f"last error: {status.last_error or 'none'}")
    if status.error_kind is not None:
        since = status.failing_for()
        print(f"kind of problem: {status.error_kind}" + (f" (failing for {since})" if since else ""))
    return 1 if status.last_error or status.set_aside else 0


def _shown(url: str) -> str:
    if not url:
        return "(not set: central_db or RETURNS_DESK_CENTRAL_DB)"
    return describe_url(url)


def run_publish(settings: Settings) -> int:
    db = Database(settings.db)
    try:
        migrate.ensure_current(db)
        stored = publish(db, Path(settings.rules_dir) if settings.rules_dir else None,
                         Path(settings.checklists_dir) if settings.checklists_dir else None)
    finally:
        db.dispose()
    print(f"{db.description}: {len(stored)} file(s) published" + (": " + ", ".join(stored) if stored else
                                                                   " (all unchanged)"))
    return 0
