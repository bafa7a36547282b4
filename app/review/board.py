"""Today at a glance: the supervisor board's figures, from a handful of grouped queries on indexed columns.

"Graded" means a final item (voided ones are counted as voids) by the time it was finalized. Today and the
shift are the caller's window (`day_start`, `shift_start`, aware datetimes); `board_window` gives the usual
one (local midnight; shifts start at 06:00, 14:00 and 22:00 local time). The JSON (`to_json`) is documented
in docs/supervisor-board.md and stable: fields are added, never renamed or removed, within one `format`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, select, text

from app.config import Settings, parse_shift_starts
from app.db.models import AuditEvent, Container, Operator, Product, ReturnItem, as_utc
from app.db.uow import UnitOfWork
from app.domain.conditions import format_money
from app.domain.exceptions import cause_label
from app.domain.status import ItemStatus
from app.domain.vocab import DISPOSITION_LABELS, GRADE_LABELS, GRADE_ORDER, Disposition, Grade
from app.review.periods import review_period
from app.review.recovery import RecoveryRates, load_recovery_rates
from app.review.search import ItemFilter, open_exception_where
from app.review.stations import FleetPolicy, StationHealth, duration, fleet_health
from app.review.stations import summary as stations_summary
from app.sync.runner import SyncStatus

FORMAT = 1
HOUR = timedelta(hours=1)
VOIDED, REPRINTED = "voided", "reprinted"
QUARANTINE = Disposition.QUARANTINE.value


@dataclass(frozen=True)
class PeopleCount:
    """Items graded by one operator (key: badge) or at one station (key: station id)."""

    key: str
    name: str
    last_hour: int
    shift: int
    today: int


@dataclass(frozen=True)
class MixLine:
    """One grade or disposition today: count, share of today's items, unit value and estimated recovery."""

    code: str
    label: str
    count: int
    percent: float
    unit_value_cents: int
    recovery_cents: int


@dataclass(frozen=True)
class StationSync:
    """One station as the database read knows it. `last_item_at`: the newest item of that station this
    database has (on central: the newest that reached it); waiting / last sync / last error are known for this
    station only (None for the others)."""

    station_id: str
    last_item_at: datetime | None
    items_today: int
    waiting: int | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    value: str
    detail: str
    definition: str  # how it is counted, in words (one key away on the board)
    filter: ItemFilter | None  # the item list behind it


@dataclass(frozen=True)
class BoardFigures:
    generated_at: datetime
    day_start: datetime
    shift_start: datetime
    station: str | None
    graded_today: int
    graded_shift: int
    graded_last_hour: int
    per_hour: list[tuple[datetime, int]]
    per_operator: list[PeopleCount]
    per_station: list[PeopleCount]
    grade_mix: list[MixLine]
    disposition_mix: list[MixLine]
    unit_value_cents: int
    recovery_cents: int
    open_exceptions: dict[str, int]
    oldest_quarantined_at: datetime | None
    oldest_quarantined_lpn: str | None
    voids_today: int
    reprints_today: int
    sync: list[StationSync] = field(default_factory=list)
    rates_source: str = ""
    stations: list[StationHealth] = field(default_factory=list)  # the fleet view (issue 11, docs/fleet.md)

    @property
    def open_exceptions_total(self) -> int:
        return sum(self.open_exceptions.values())

    @property
    def oldest_quarantined_age_s(self) -> int | None:
        if self.oldest_quarantined_at is None:
            return None
        return max(0, int((self.generated_at - self.oldest_quarantined_at).total_seconds()))

    def tiles(self) -> list[Tile]:
        """The board's tiles in reading order; each opens `find_items(tile.filter)`."""
        return [_graded_tile(self), _shift_tile(self), _hour_tile(self), _people_tile(self, "operator"),
                _people_tile(self, "station"), _grade_tile(self), _disposition_tile(self), _exceptions_tile(self),
                _quarantine_tile(self), _voids_tile(self), _sync_tile(self), _stations_tile(self)]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "generated_at": _iso(self.generated_at),
            "day_start": _iso(self.day_start),
            "shift_start": _iso(self.shift_start),
            "station": self.station,
            "graded": {"today": self.graded_today, "shift": self.graded_shift, "last_hour": self.graded_last_hour},
            "per_hour": [{"hour_start": _iso(at), "count": n} for at, n in self.per_hour],
            "per_operator": [_people_json(p, "badge") for p in self.per_operator],
            "per_station": [_people_json(p, "station") for p in self.per_station],
            "grade_mix": [_mix_json(m) for m in self.grade_mix],
            "disposition_mix": [_mix_json(m) for m in self.disposition_mix],
            "unit_value_cents": self.unit_value_cents,
            "recovery_cents": self.recovery_cents,
            "open_exceptions": dict(sorted(self.open_exceptions.items())),
            "open_exceptions_total": self.open_exceptions_total,
            "oldest_quarantined": {"finalized_at": _iso(self.oldest_quarantined_at),
                                   "lpn": self.oldest_quarantined_lpn, "age_s": self.oldest_quarantined_age_s},
            "voids_today": self.voids_today,
            "reprints_today": self.reprints_today,
            "sync": [_sync_json(s) for s in self.sync],
            "rates_source": self.rates_source,
            "stations": [s.to_json(self.generated_at) for s in self.stations],
        }


def board_window(now: datetime | None = None,
                 shift_starts: list[tuple[int, int]] | None = None) -> tuple[datetime, datetime, datetime]:
    """(now, day_start, shift_start) in UTC: today is the station's local calendar day; the shift began at the
    last of the site's shift starts (setting shift_starts, local time) before now, yesterday's late shift before
    the first one."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    period = review_period(now, shift_starts or parse_shift_starts(Settings().shift_starts))
    return now, period.day_start.astimezone(UTC), period.shift_start.astimezone(UTC)


def open_exception_counts(uow: UnitOfWork, station: str | None = None) -> dict[str, int]:
    """Open exceptions by cause (final, a cause, not resolved): the exceptions queue has exactly these."""
    query = (select(ReturnItem.exception_cause, func.count()).where(*open_exception_where(station))
             .group_by(ReturnItem.exception_cause))
    return {str(cause): int(n) for cause, n in uow.session.execute(query)}


def board_figures(uow: UnitOfWork, now: datetime, day_start: datetime, shift_start: datetime,
                  station: str | None = None, rates: RecoveryRates | None = None, *,
                  this_station: str | None = None, local_sync: SyncStatus | None = None,
                  fleet: FleetPolicy | None = None) -> BoardFigures:
    """The board for the window, for one station or (None) every station the database holds.
    `this_station` / `local_sync`: the station reading and its own sync status (what only it knows)."""
    rates = rates or load_recovery_rates()
    groups = _today_groups(uow, now, day_start, shift_start, station)
    names = _operator_names(uow, {g.operator_id for g in groups})
    grade_mix, disposition_mix, value, recovery = _mixes(uow, day_start, station, rates)
    oldest_at, oldest_lpn = _oldest_quarantined(uow, station)
    actions = _audit_counts(uow, day_start, station)
    return BoardFigures(
        generated_at=now, day_start=day_start, shift_start=shift_start, station=station,
        graded_today=sum(g.today for g in groups), graded_shift=sum(g.shift for g in groups),
        graded_last_hour=sum(g.last_hour for g in groups),
        per_hour=_per_hour(groups, day_start, now),
        per_operator=_people(groups, lambda g: names.get(g.operator_id, (str(g.operator_id), ""))),
        per_station=_people(groups, lambda g: (g.station_id, g.station_id)),
        grade_mix=grade_mix, disposition_mix=disposition_mix, unit_value_cents=value, recovery_cents=recovery,
        open_exceptions=open_exception_counts(uow, station),
        oldest_quarantined_at=oldest_at, oldest_quarantined_lpn=oldest_lpn,
        voids_today=actions.get(VOIDED, 0), reprints_today=actions.get(REPRINTED, 0),
        sync=_sync(uow, groups, station, this_station, local_sync), rates_source=rates.source,
        stations=fleet_health(uow.session.connection(), fleet or FleetPolicy(), now),
    )


# --- the queries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    station_id: str
    operator_id: int
    hour: datetime
    today: int
    shift: int
    last_hour: int
    newest: datetime | None


def _graded_since(day_start: datetime, station: str | None) -> list[ColumnElement[bool]]:
    where = [ReturnItem.status == ItemStatus.FINAL, ReturnItem.finalized_at >= day_start]
    if station:
        where.append(ReturnItem.station_id == station)
    return where


def _hour_bucket(dialect: str) -> ColumnElement[Any]:
    """'YYYY-MM-DD HH' of finalized_at in UTC, on each engine's own terms (SQLite and MariaDB store naive UTC)."""
    column = ReturnItem.finalized_at
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    if dialect in ("mysql", "mariadb"):
        return func.left(cast(column, String(32)), 13)
    return func.substr(column, 1, 13)


def _today_groups(uow: UnitOfWork, now: datetime, day_start: datetime, shift_start: datetime,
                  station: str | None) -> list[_Group]:
    """Today's final items counted by station, operator and hour in one pass over the finalized_at index."""
    bucket = _hour_bucket(uow.session.get_bind().dialect.name).label("hour_bucket")
    in_shift = func.sum(case((ReturnItem.finalized_at >= shift_start, 1), else_=0))
    in_last_hour = func.sum(case((ReturnItem.finalized_at >= now - HOUR, 1), else_=0))
    query = (select(ReturnItem.station_id, ReturnItem.operator_id, bucket, func.count(), in_shift, in_last_hour,
                    func.max(ReturnItem.finalized_at))
             .where(*_graded_since(day_start, station))
             # by the output name: the hour expression has bound values, which PostgreSQL would not match
             .group_by(ReturnItem.station_id, ReturnItem.operator_id, text("hour_bucket")))
    return [_Group(s, int(o), datetime.strptime(str(h)[:13], "%Y-%m-%d %H").replace(tzinfo=UTC), int(n),
                   int(sh or 0), int(lh or 0), as_utc(newest))
            for s, o, h, n, sh, lh, newest in uow.session.execute(query)]


def _operator_names(uow: UnitOfWork, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = uow.session.execute(select(Operator.id, Operator.badge, Operator.name).where(Operator.id.in_(ids)))
    return {int(i): (badge, name) for i, badge, name in rows}


def _per_hour(groups: list[_Group], day_start: datetime, now: datetime) -> list[tuple[datetime, int]]:
    """Every hour from the start of the day to now, empty hours included (a chart needs the gaps)."""
    counts: dict[datetime, int] = defaultdict(int)
    for g in groups:
        counts[g.hour] += g.today
    hour = day_start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours: list[tuple[datetime, int]] = []
    while hour <= now:
        hours.append((hour, counts.pop(hour, 0)))
        hour += HOUR
    # Items stamped after `now` (a station's clock ahead): kept, not lost from the chart.
    hours += sorted(counts.items())
    return hours


def _people(groups: list[_Group], who: Any) -> list[PeopleCount]:
    totals: dict[tuple[str, str], list[int]] = {}
    for g in groups:
        key = who(g)
        sums = totals.setdefault(key, [0, 0, 0])
        sums[0] += g.last_hour
        sums[1] += g.shift
        sums[2] += g.today
    people = [PeopleCount(key, name, *sums) for (key, name), sums in totals.items()]
    return sorted(people, key=lambda p: (-p.shift, -p.today, p.key))


def _mixes(uow: UnitOfWork, day_start: datetime, station: str | None,
           rates: RecoveryRates) -> tuple[list[MixLine], list[MixLine], int, int]:
    query = (select(ReturnItem.grade, ReturnItem.disposition, ReturnItem.category, func.count(),
                    func.coalesce(func.sum(Product.unit_value_cents), 0))
             .outerjoin(Product, Product.id == ReturnItem.product_id)
             .where(*_graded_since(day_start, station))
             .group_by(ReturnItem.grade, ReturnItem.disposition, ReturnItem.category))
    grades: dict[str, list[int]] = {}
    dispositions: dict[str, list[int]] = {}
    for grade, disposition, category, n, value in uow.session.execute(query):
        recovered = rates.value_cents(disposition, category, int(value))
        for table, code in ((grades, grade or "none"), (dispositions, disposition or "none")):
            sums = table.setdefault(code, [0, 0, 0])
            sums[0] += int(n)
            sums[1] += int(value)
            sums[2] += recovered if table is dispositions else 0
    total = sum(s[0] for s in grades.values())
    order_g = [g.value for g in GRADE_ORDER]
    order_d = [d.value for d in Disposition]
    grade_mix = _mix_lines(grades, total, order_g, lambda c: GRADE_LABELS.get(Grade(c), c) if c in order_g else c)
    disp_mix = _mix_lines(dispositions, total, order_d,
                          lambda c: DISPOSITION_LABELS.get(Disposition(c), c) if c in order_d else c)
    return grade_mix, disp_mix, sum(s[1] for s in grades.values()), sum(s[2] for s in dispositions.values())


def _mix_lines(sums: dict[str, list[int]], total: int, order: list[str], label: Any) -> list[MixLine]:
    codes = sorted(sums, key=lambda c: (order.index(c) if c in order else len(order), c))
    return [MixLine(c, label(c), sums[c][0], round(100.0 * sums[c][0] / total, 1) if total else 0.0,
                    sums[c][1], sums[c][2]) for c in codes]


def _oldest_quarantined(uow: UnitOfWork, station: str | None) -> tuple[datetime | None, str | None]:
    """The quarantined item held longest: an open exception whose disposition is quarantine."""
    query = (select(ReturnItem.finalized_at, ReturnItem.lpn)
             .where(*open_exception_where(station), ReturnItem.disposition == QUARANTINE)
             .order_by(ReturnItem.finalized_at).limit(1))
    row = uow.session.execute(query).first()
    return (None, None) if row is None else (as_utc(row[0]), row[1])


def _audit_counts(uow: UnitOfWork, day_start: datetime, station: str | None) -> dict[str, int]:
    query = (select(AuditEvent.action, func.count())
             .where(AuditEvent.action.in_((VOIDED, REPRINTED)), AuditEvent.at >= day_start)
             .group_by(AuditEvent.action))
    if station:
        query = query.where(AuditEvent.station_id == station)
    return {str(action): int(n) for action, n in uow.session.execute(query)}


def _sync(uow: UnitOfWork, groups: list[_Group], station: str | None, this_station: str | None,
          local_sync: SyncStatus | None) -> list[StationSync]:
    """Every station the database knows (today's, those with totes, this one), with its newest item."""
    today: dict[str, int] = defaultdict(int)
    newest: dict[str, datetime] = {}
    for g in groups:
        today[g.station_id] += g.today
        if g.newest is not None and (g.station_id not in newest or g.newest > newest[g.station_id]):
            newest[g.station_id] = g.newest
    stations = set(today) | _tote_stations(uow) | ({this_station} if this_station else set())
    if station:
        stations &= {station}
    found: list[StationSync] = []
    for sid in sorted(stations):
        last = newest.get(sid) or _newest_item(uow, sid)  # an index seek (station_id, finalized_at)
        own = local_sync if sid == this_station else None
        found.append(StationSync(sid, last, today.get(sid, 0),
                                 own.waiting if own else None, own.last_sync_at if own else None,
                                 own.last_error if own else None))
    return found


def _tote_stations(uow: UnitOfWork) -> set[str]:
    return set(uow.session.scalars(select(Container.station_id).distinct()))


def _newest_item(uow: UnitOfWork, station_id: str) -> datetime | None:
    return as_utc(uow.session.scalar(select(func.max(ReturnItem.finalized_at))
                                     .where(ReturnItem.station_id == station_id)))


# --- JSON ------------------------------------------------------------------------------------------------


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at is not None else None


def _people_json(p: PeopleCount, key: str) -> dict[str, Any]:
    return {key: p.key, "name": p.name, "last_hour": p.last_hour, "shift": p.shift, "today": p.today}


def _mix_json(m: MixLine) -> dict[str, Any]:
    return {"code": m.code, "label": m.label, "count": m.count, "percent": m.percent,
            "unit_value_cents": m.unit_value_cents, "recovery_cents": m.recovery_cents}


def _sync_json(s: StationSync) -> dict[str, Any]:
    return {"station": s.station_id, "last_item_at": _iso(s.last_item_at), "items_today": s.items_today,
            "waiting": s.waiting, "last_sync_at": _iso(s.last_sync_at), "last_error": s.last_error}


# --- tiles -----------------------------------------------------------------------------------------------


def _where(b: BoardFigures) -> str:
    return f"station {b.station}" if b.station else "every station this database holds"


def _clock(at: datetime) -> str:
    return f"{at.astimezone():%H:%M}"


def _graded_tile(b: BoardFigures) -> Tile:
    return Tile("graded_today", "Graded today", f"{b.graded_today:,}",
                f"{b.graded_shift:,} this shift · {b.graded_last_hour:,} in the last hour",
                f"Items saved final (graded, with a disposition) since midnight ({_clock(b.day_start)}), at "
                f"{_where(b)}. Voided items are not counted; drafts still open are not either.",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.day_start))


def _shift_tile(b: BoardFigures) -> Tile:
    return Tile("graded_shift", "Graded this shift", f"{b.graded_shift:,}", f"since {_clock(b.shift_start)}",
                f"Items saved final since the shift began at {_clock(b.shift_start)} (the site's shift starts: "
                f"setting shift_starts), at {_where(b)}.",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.shift_start))


def _hour_tile(b: BoardFigures) -> Tile:
    busiest = max(b.per_hour, key=lambda h: h[1], default=None)
    detail = f"busiest hour {_clock(busiest[0])}: {busiest[1]:,}" if busiest and busiest[1] else "none yet today"
    return Tile("per_hour", "Last hour", f"{b.graded_last_hour:,}", detail,
                "Items saved final in each clock hour of today (the chart), and in the 60 minutes before the "
                "board was read (the number).",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.generated_at - HOUR))


def _people_tile(b: BoardFigures, kind: str) -> Tile:
    people = b.per_operator if kind == "operator" else b.per_station
    top = " · ".join(f"{p.key} {p.shift:,}" for p in people[:3])
    return Tile(f"per_{kind}", f"Per {kind}", f"{len(people)} {kind}s", top or "nobody has graded this shift",
                f"Items saved final per {kind}: in the last hour, this shift and today; the list shows this "
                "shift's items.",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.shift_start))


def _grade_tile(b: BoardFigures) -> Tile:
    ranked = sorted(b.grade_mix, key=lambda m: -m.count)
    value = f"{ranked[0].code} {ranked[0].percent:.0f} %" if ranked else "no items yet"
    rest = " · ".join(f"{m.code} {m.percent:.0f} %" for m in ranked[1:])
    return Tile("grade_mix", "Grade mix", value, f"{rest} · of {b.graded_today:,} today" if rest
                else f"of {b.graded_today:,} items today",
                "Today's final items by grade, as a share of all of today's final items (overrides count with "
                "the grade they were changed to).",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.day_start))


def _disposition_tile(b: BoardFigures) -> Tile:
    top = " · ".join(f"{m.code} {m.percent:g} %" for m in b.disposition_mix[:3])
    return Tile("disposition_mix", "Disposition mix", format_money(b.recovery_cents),
                f"estimated recovery of {format_money(b.unit_value_cents)} unit value · {top}".rstrip(" ·"),
                "Today's final items by disposition: count, share, and the estimated value recovered = the "
                f"product's unit value x the recovery rate of its disposition ({b.rates_source or 'recovery.toml'};"
                " a site sets its own). Unknown items have no unit value.",
                ItemFilter(station=b.station, status=ItemStatus.FINAL, since=b.day_start))


def _exceptions_tile(b: BoardFigures) -> Tile:
    causes = sorted(b.open_exceptions.items(), key=lambda kv: (-kv[1], kv[0]))
    detail = " · ".join(f"{cause_label(cause)} {n:,}" for cause, n in causes[:3]) or "none open"
    return Tile("open_exceptions", "Open exceptions", f"{b.open_exceptions_total:,}", detail,
                "Final items held for a person (a cause set when saved) and not yet resolved, whatever the day; "
                "the same count as the exceptions queue.",
                ItemFilter(station=b.station, open_exceptions=True))


def _quarantine_tile(b: BoardFigures) -> Tile:
    age = b.oldest_quarantined_age_s
    return Tile("oldest_quarantine", "Oldest in quarantine", "none" if age is None else duration(age),
                f"{b.oldest_quarantined_lpn} since {b.oldest_quarantined_at:%Y-%m-%d %H:%M}"
                if b.oldest_quarantined_at else "nothing held",
                "How long the item held longest in quarantine has waited: an open exception with disposition "
                "quarantine, counted from when it was saved.",
                ItemFilter(station=b.station, quarantined=True))


def _voids_tile(b: BoardFigures) -> Tile:
    return Tile("voids_reprints", "Voids and reprints today", f"{b.voids_today:,} · {b.reprints_today:,}",
                f"{b.voids_today:,} voided · {b.reprints_today:,} reprinted",
                "Audit events since midnight: items voided, and labels or slips printed again. The list shows "
                "today's voided items.",
                ItemFilter(station=b.station, status=ItemStatus.VOIDED, since=b.day_start))


def _sync_tile(b: BoardFigures) -> Tile:
    own = next((s for s in b.sync if s.waiting is not None), None)
    errors = [s.station_id for s in b.sync if s.last_error]
    if errors:
        value = f"problem at {', '.join(errors)}"
    else:
        value = f"{len(b.sync)} station{'s' if len(b.sync) != 1 else ''}"
    detail = f"{own.station_id}: {own.waiting:,} waiting" if own else ""
    return Tile("sync", "Sync of every station", value, detail,
                "Per station: the newest item this database has from it (on the central database: the newest "
                "that reached it) and today's count; changes waiting, last sync and last error are known for this "
                "station only.", None)


def _stations_tile(b: BoardFigures) -> Tile:
    value, detail = stations_summary(b.stations)
    return Tile("stations", "Stations", value, detail,
                "Every station's report from its last sync round (docs/fleet.md): offline when not seen for the "
                "site's fleet_offline_min, an old version (below min_version, or behind the newest station), "
                "its last sync error, and queues (changes to send, print jobs) stuck past fleet_stuck_min. "
                "`returns-desk stations` lists them all.", None)
