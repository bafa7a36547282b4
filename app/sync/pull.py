"""Pull: master data comes down as deltas (rows changed since the last cursor), streamed from a server-side cursor.

Operators, catalog, RMAs with their lines, recalls and site rules/checklist files are copied with their
central ids, so the records the station pushes refer to the same operator, product and RMA line ids
centrally. A station started offline works with what it last pulled. Each streamed slice commits locally
with its cursor, so an interrupted pull resumes.
The cursor is a keyset (updated_at, id), but never later than a few minutes ago: a central transaction that
committed late with an older `updated_at` is still seen, so rows changed in the last minutes are fetched again
by the next pulls until they are older than that (re-applying a row is harmless); older rows come once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, case, or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.db.models import Operator, Product, Recall, Rma, RmaLine, SiteFile
from app.db.uow import Database
from app.errors import SyncRefused
from app.sync import state
from app.sync.central import plain_errors
from app.sync.push import count_waiting

STREAM_ROWS = 5000
CURSOR_MARGIN = timedelta(minutes=5)
RMA_LINE: Table = RmaLine.__table__  # type: ignore[assignment]
# Order matters: RMA lines need their RMA, nothing else refers across tables.
PULLED: tuple[Table, ...] = tuple(m.__table__ for m in (Operator, Product, Rma, Recall, SiteFile))  # type: ignore[misc]
OPERATOR: Table = Operator.__table__  # type: ignore[assignment]
# An operator's sign-in state changes at the station where they sign in (the lock-out count, the PIN chosen
# after a reset): the central copy replaces it only when the central row is the newer one (a supervisor's
# unlock or reset), so a re-applied older row never lifts a lock or wipes a PIN just chosen.
STATION_KEPT = ("pin_hash", "failed_pins", "locked_until", "updated_at")


@dataclass
class PullResult:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def cursor_key(table: Table) -> str:
    return f"pull.{table.name}"


def pull_once(
    local: Database,
    central: Database,
    stream_rows: int = STREAM_ROWS,
    should_stop: Callable[[], bool] = lambda: False,
) -> PullResult:
    result = PullResult()
    for table in PULLED:
        if should_stop():
            break
        result.rows[table.name] = _pull_table(local, central, table, stream_rows, should_stop)
    return result


def _pull_table(local: Database, central: Database, table: Table, stream_rows: int,
                should_stop: Callable[[], bool]) -> int:
    with local.engine.connect() as conn:
        since = read_cursor(conn, table)
    horizon = datetime.now(UTC) - CURSOR_MARGIN
    query = select(table).order_by(table.c.updated_at, table.c.id)
    if since is not None:
        at, last_id = since
        query = query.where(or_(table.c.updated_at > at, and_(table.c.updated_at == at, table.c.id > last_id)))
    count = 0
    with plain_errors(central, waiting=lambda: count_waiting(local)) as deadline, central.engine.connect() as source:
        stream = source.execution_options(stream_results=True, yield_per=stream_rows).execute(query)
        for part in stream.partitions():
            deadline.progress()  # the bound is per slice fetched, not for the whole table
            rows = [dict(row._mapping) for row in part]
            lines = _lines_of(central, source, rows) if table.name == "rma" else []
            _store(local, table, rows, lines, horizon)
            count += len(rows)
            if should_stop():
                break
    return count


def _lines_of(central: Database, source: Connection, rmas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    query = select(RMA_LINE).where(RMA_LINE.c.rma_id.in_([r["id"] for r in rmas]))
    if source.dialect.name != "mysql":  # PostgreSQL (server-side cursor) and SQLite can query beside the stream
        return [dict(row._mapping) for row in source.execute(query)]
    # A second connection: MySQL drivers cannot run a query while a streamed result is open.
    with central.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def read_cursor(conn: Connection, table: Table) -> tuple[datetime, int] | None:
    value = state.read(conn, cursor_key(table))
    if not value:
        return None
    at, _, last_id = value.partition("|")
    return datetime.fromisoformat(at), int(last_id or 0)


def _cursor_after(rows: list[dict[str, Any]], horizon: datetime) -> str:
    last: dict[str, Any] = rows[-1]
    if last["updated_at"] > horizon:  # recent rows: look again from the horizon next time
        return f"{horizon.isoformat()}|0"
    return f"{last['updated_at'].isoformat()}|{last['id']}"


def _store(local: Database, table: Table, rows: list[dict[str, Any]], lines: list[dict[str, Any]],
           horizon: datetime) -> None:
    try:
        with local.engine.begin() as conn:
            if table is OPERATOR:
                store_operators(conn, rows)
            else:
                upsert_by_id(conn, table, rows)
            if lines:
                upsert_by_id(conn, RMA_LINE, lines)
            state.write(conn, cursor_key(table), _cursor_after(rows, horizon))
    except IntegrityError as exc:
        raise SyncRefused(
            f"This station's own {table.name} rows clash with the central ones ({str(exc.orig).splitlines()[0]}). "
            "In station mode master data comes only from the central database: import it there, and set up "
            "the station with an empty database (docs/central-database.md)."
        ) from exc


def store_operators(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Upsert central operator rows, keeping the station's sign-in state where its row is newer."""
    stmt = sqlite_insert(OPERATOR)
    newer = stmt.excluded.updated_at >= OPERATOR.c.updated_at
    set_: dict[str, Any] = {}
    for column in OPERATOR.columns:
        if column.name == "id":
            continue
        central = stmt.excluded[column.name]
        set_[column.name] = case((newer, central), else_=column) if column.name in STATION_KEPT else central
    conn.execute(stmt.on_conflict_do_update(index_elements=[OPERATOR.c.id], set_=set_), rows)


def upsert_by_id(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    stmt = sqlite_insert(table)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name != "id"},
        ),
        rows,
    )
