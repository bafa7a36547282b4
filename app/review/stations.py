"""The fleet view (issue 11, docs/fleet.md): every station's last report from the central database, with what is
wrong with it in words: offline, too old, errors, stuck queues. Read by the board's "Stations" tile and by
`returns-desk stations`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, inspect, select

from app.config import Settings
from app.db.models import StationReport, as_utc
from app.sync.fleet import older_than, version_key

REPORT: Table = StationReport.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class FleetPolicy:
    """When a station counts as offline or a queue as stuck (minutes), and the oldest version allowed."""

    offline_min: int = 15
    stuck_min: int = 30
    min_version: str = ""

    @classmethod
    def of(cls, settings: Settings) -> FleetPolicy:
        return cls(settings.fleet_offline_min, settings.fleet_stuck_min, settings.min_version)


@dataclass(frozen=True)
class StationHealth:
    station_id: str
    host: str
    version: str
    build: str
    last_seen: datetime
    outbox_depth: int
    print_queue_depth: int
    set_aside: int
    last_error: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self, now: datetime) -> dict[str, Any]:
        return {"station": self.station_id, "host": self.host, "version": self.version, "build": self.build,
                "last_seen": self.last_seen.isoformat(), "seen_s_ago": _ago(now, self.last_seen),
                "outbox_depth": self.outbox_depth, "print_queue_depth": self.print_queue_depth,
                "set_aside": self.set_aside, "last_error": self.last_error, "ok": self.ok,
                "problems": self.problems}


def fleet_health(conn: Connection, policy: FleetPolicy, now: datetime | None = None) -> list[StationHealth]:
    """Every station that ever reported, by id; [] on a database without the fleet table (an old schema)."""
    now = now or datetime.now(UTC)
    if not inspect(conn).has_table("station_report"):
        return []
    rows = conn.execute(select(REPORT).order_by(REPORT.c.station_id)).all()
    newest = max((r.version for r in rows), key=version_key, default="")
    return [_health(row, policy, now, newest) for row in rows]


def _health(row: Any, policy: FleetPolicy, now: datetime, newest: str) -> StationHealth:
    seen = as_utc(row.last_seen) or now
    return StationHealth(row.station_id, row.host, row.version, row.build, seen, row.outbox_depth,
                         row.print_queue_depth, row.set_aside, row.last_error,
                         _problems(row, seen, policy, now, newest))


def _problems(row: Any, seen: datetime, policy: FleetPolicy, now: datetime, newest: str) -> list[str]:
    problems = []
    if _ago(now, seen) > policy.offline_min * 60:
        problems.append(f"offline for {duration(_ago(now, seen))} (last seen {seen.astimezone():%Y-%m-%d %H:%M})")
    if older_than(row.version, policy.min_version):
        problems.append(f"version {row.version} is below the site's min_version {policy.min_version}: "
                        "must be upgraded")
    elif older_than(row.version, newest):
        problems.append(f"runs an older version ({row.version}) than the newest station ({newest})")
    if row.last_error:
        problems.append(f"sync error: {_first_sentence(row.last_error)}")
    problems += _stuck(row.outbox_depth, as_utc(row.oldest_outbox_at), "change(s) to send", policy, now)
    problems += _stuck(row.print_queue_depth, as_utc(row.oldest_print_at), "print job(s)", policy, now)
    if row.set_aside:
        problems.append(f"{row.set_aside} change(s) refused by the central database, set aside for IT")
    return problems


def _stuck(depth: int, oldest: datetime | None, what: str, policy: FleetPolicy, now: datetime) -> list[str]:
    if not depth or oldest is None or _ago(now, oldest) <= policy.stuck_min * 60:
        return []
    return [f"{depth:,} {what} stuck, the oldest for {duration(_ago(now, oldest))}"]


def summary(stations: list[StationHealth]) -> tuple[str, str]:
    """The board tile's value and detail: how many stations, and which are wrong and why."""
    wrong = [s for s in stations if not s.ok]
    if not stations:
        return "none reported", "no station has synced with this database yet"
    value = f"{len(wrong)} of {len(stations)} need IT" if wrong else f"{len(stations)} all well"
    detail = "; ".join(f"{s.station_id}: {s.problems[0]}" + (f" (+{len(s.problems) - 1})" if len(s.problems) > 1
                                                             else "") for s in wrong)
    return value, detail or "every station synced recently, no errors, no stuck queues"


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + (dot.strip() or "")


def _ago(now: datetime, at: datetime) -> int:
    return max(0, int((now - at).total_seconds()))


def duration(seconds: int) -> str:
    """'45 s', '12 min', '3 h 20 min', '2 d 4 h' (as the board says it)."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"
