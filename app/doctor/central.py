"""Doctor checks against the central database: it answers (latency), its schema version, the clock skew, and
that no other station uses this station's id."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, inspect, select, text

from app.config import Settings
from app.db.uow import Database
from app.doctor.findings import Finding, fail, ok, warn

CENTRAL_TIMEOUT_S = 3  # the whole doctor run stays under 5 s even when the central database is silent
MAX_SKEW_S = 120
SAMPLE_ITEMS = 500  # the station's latest items at central compared with its own file


def check_central(settings: Settings, local_url: str | None = None) -> list[Finding]:
    """Nothing to check in standalone mode. `local_url`: the station's own database (station mode)."""
    if settings.mode == "standalone" or not settings.central_db and settings.mode != "direct":
        return []
    from app.sync.central import open_central

    try:
        central = open_central(replace(settings, central_timeout_s=CENTRAL_TIMEOUT_S))
    except Exception as exc:  # a bad URL, no password: already in words (ConfigError)
        return [fail("central", f"The central database is not set up: {exc}", "Fix central_db in station.toml.")]
    try:
        return _check_with(central, settings, local_url)
    finally:
        central.dispose()


def _check_with(central: Database, settings: Settings, local_url: str | None) -> list[Finding]:
    started = time.monotonic()
    try:
        with central.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            latency_ms = round((time.monotonic() - started) * 1000, 1)
            findings = [ok("central", f"The central database ({central.description}) answers in {latency_ms} ms.",
                           latency_ms=latency_ms)]
            findings.append(_schema(conn))
            findings.append(_clock(conn))
            findings.append(_station_id(conn, settings, local_url))
            return findings
    except Exception as exc:
        return [fail("central", f"The central database ({central.description}) does not answer: "
                     f"{_first_line(exc)}",
                     "Check the network, the server and central_db; the station keeps working offline and "
                     "sends its changes later.")]


def _schema(conn: Connection) -> Finding:
    from app.db.migrate import HEAD_REVISION

    revision = None
    if inspect(conn).has_table("alembic_version"):
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision == HEAD_REVISION:
        return ok("central-schema", f"The central schema is current ({revision}).", revision=revision)
    return fail("central-schema", f"The central schema is at {revision or 'nothing (empty database)'}; this "
                f"station needs {HEAD_REVISION}.",
                "Upgrade the central database (`returns-desk --db CENTRAL_URL db upgrade`), or this station if "
                "the central one is newer.", revision=revision, expected=HEAD_REVISION)


def _clock(conn: Connection) -> Finding:
    central_now = _central_utc(conn)
    skew_s = round((datetime.now(UTC) - central_now).total_seconds(), 1)
    if abs(skew_s) <= MAX_SKEW_S:
        return ok("clock", f"The clock is {abs(skew_s):g} s {_side(skew_s)} the central database's.", skew_s=skew_s)
    return fail("clock", f"The clock is {abs(skew_s):g} s {_side(skew_s)} the central database's (at most "
                f"{MAX_SKEW_S} s allowed): times on labels, the board and sync would disagree.",
                "Turn on time synchronisation (NTP) on this station and the server.", skew_s=skew_s)


def _side(skew_s: float) -> str:
    return "ahead of" if skew_s > 0 else "behind"


def _central_utc(conn: Connection) -> datetime:
    queries = {"postgresql": "SELECT CURRENT_TIMESTAMP AT TIME ZONE 'UTC'", "sqlite": "SELECT datetime('now')"}
    value: Any = conn.execute(text(queries.get(conn.dialect.name, "SELECT UTC_TIMESTAMP()"))).scalar()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _station_id(conn: Connection, settings: Settings, local_url: str | None) -> Finding:
    """The fleet table's claim on the id (app/sync/fleet.py) against this station's own instance key; on a
    central database without that table, the station's id on items at central this station never had."""
    if settings.mode != "station" or local_url is None:
        return warn("station-id", f"Whether station id {settings.station_id} is unique is not checked yet in "
                    f"{settings.mode} mode.", "Make sure no other station uses the same station_id.")
    local = Database(local_url)
    try:
        if inspect(conn).has_table("station_report"):
            return _claimed(conn, local, settings.station_id)
        return _items_elsewhere(conn, local, settings.station_id)
    finally:
        local.dispose()


def _claimed(conn: Connection, local: Database, station_id: str) -> Finding:
    from app.db.models import StationReport
    from app.sync import fleet, state

    row = conn.execute(select(StationReport.instance_key, StationReport.host, StationReport.last_seen)
                       .where(StationReport.station_id == station_id)).one_or_none()
    if row is None:
        return ok("station-id", f"Station id {station_id} is not used by any station yet; the first sync round "
                  "claims it for this one.")
    with local.engine.connect() as local_conn:
        key = state.read(local_conn, fleet.INSTANCE_KEY)
    if key == row.instance_key:
        return ok("station-id", f"Station id {station_id} belongs to this station at the central database.")
    return fail("station-id", fleet.taken_words(station_id, row.host, row.last_seen),
                "Give this station its own station_id in station.toml (docs/fleet.md).", host=row.host)


def _items_elsewhere(conn: Connection, local: Database, station_id: str) -> Finding:
    from app.db.models import ReturnItem

    rows = conn.execute(select(ReturnItem.id).where(ReturnItem.station_id == station_id)
                        .order_by(ReturnItem.created_at.desc()).limit(SAMPLE_ITEMS)).scalars().all()
    if not rows:
        return ok("station-id", f"No items at the central database carry station id {station_id} yet.")
    with local.unit_of_work(read_only=True) as uow:
        found = set(uow.session.scalars(select(ReturnItem.id).where(ReturnItem.id.in_(set(rows)))))
    strangers = len(set(rows) - found)
    if strangers == 0:
        return ok("station-id", f"Station id {station_id}: every item at central with it was made here.")
    return fail("station-id", f"{strangers} of the latest {len(rows)} items at the central database carry station "
                f"id {station_id} but are not in this station's database: another station probably uses the "
                "same id (or this station's database was replaced).",
                "Give every station its own station_id in station.toml; two stations with one id print the "
                "same LPNs.", foreign_items=strangers)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
