"""`returns-desk stations [--json]` (the fleet view: every station and what is wrong with it) and
`returns-desk stations claim --by BADGE` (an admin gives this station's id to this station, e.g. after a
re-install). Both read the central database: in station mode through the station's central settings, in direct
mode it is the database itself. docs/fleet.md."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.errors import ConfigError
from app.review.access import require_admin
from app.review.cli_auth import signed_in
from app.review.stations import FleetPolicy, StationHealth, fleet_health
from app.sync.central import open_central, plain_errors
from app.sync.fleet import claim_again
from app.wiring import station_context

FORMAT = 1


def run_stations(args: argparse.Namespace, settings: Settings) -> int:
    if args.stations_command == "claim":
        return _claim(args, settings)
    now = datetime.now(UTC)
    with _central(settings) as central, plain_errors(central), central.engine.connect() as conn:
        stations = fleet_health(conn, FleetPolicy.of(settings), now)
    if args.json:
        print(json.dumps({"format": FORMAT, "generated_at": now.isoformat(), "policy": _policy(settings),
                          "stations": [s.to_json(now) for s in stations]}, indent=2))
    else:
        print(table(stations))
    return 1 if any(not s.ok for s in stations) else 0


def table(stations: list[StationHealth]) -> str:
    if not stations:
        return "No station has reported to the central database yet (each does with its first sync round)."
    lines = [f"{'station':<8} {'version':<10} {'build':<10} {'last seen':<17} {'outbox':>6} {'print':>5}  "
             "what is wrong"]
    for s in stations:
        lines.append(f"{s.station_id:<8} {s.version:<10} {s.build[:10]:<10} "
                     f"{s.last_seen.astimezone():%Y-%m-%d %H:%M} {s.outbox_depth:>6} {s.print_queue_depth:>5}  "
                     f"{'; '.join(s.problems) or 'ok'}")
    wrong = sum(1 for s in stations if not s.ok)
    lines.append(f"{len(stations)} station(s), {wrong} need IT." if wrong else f"{len(stations)} station(s), all well.")
    return "\n".join(lines)


def _policy(settings: Settings) -> dict[str, object]:
    return {"offline_min": settings.fleet_offline_min, "stuck_min": settings.fleet_stuck_min,
            "min_version": settings.min_version or None}


def _claim(args: argparse.Namespace, settings: Settings) -> int:
    if settings.mode != "station":
        raise ConfigError("Only a station in mode station claims its id centrally (this one is in mode "
                          f"{settings.mode}); see docs/fleet.md.")
    local = Database(settings.db)
    try:
        migrate.ensure_current(local)
        ctx = station_context(settings)
        by = signed_in(local, ctx, args.by)
        with local.unit_of_work() as uow:
            require_admin(uow, by, "give a station id to this station")
        with _central(settings) as central:
            done = claim_again(local, central, settings.station_id)
    finally:
        local.dispose()
    if done.previous_host is None:
        print(f"Station id {done.station_id} is now this station's (nobody held it).")
    else:
        seen = f"{done.previous_seen.astimezone():%Y-%m-%d %H:%M}" if done.previous_seen else "never"
        print(f"Station id {done.station_id} is now this station's. The station that held it (computer "
              f"{done.previous_host or 'unknown'}, last seen {seen}) is refused from its next sync round.")
    return 0


@contextmanager
def _central(settings: Settings) -> Iterator[Database]:
    if settings.mode == "standalone":
        raise ConfigError("This station is standalone: there is no central database, so no fleet to show. "
                          "Set mode and central_db in station.toml (docs/site-config.md).")
    central = open_central(settings)
    try:
        yield central
    finally:
        central.dispose()
