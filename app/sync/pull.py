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

import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Dialect,
    Float,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.db.models import Operator, Product, Recall, Rma, RmaLine, SiteFile, UTCDateTime, as_utc
from app.db.uow import Database
from app.errors import SyncRefused
from app.sync import state
from app.sync.central import plain_errors
from app.sync.push import count_waiting

STREAM_ROWS = 20000  # a slice per local commit (each commit waits for the disk)
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
    with plain_errors(central, waiting=lambda: count_waiting(local)) as deadline, central.engine.connect() as source, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-local") as local_io:
        columns, convert = _read_columns(table, source.dialect.name)
        query = query.with_only_columns(*columns)
        stored: Future[None] | None = None
        # The driver's own (server-side) cursor: plain tuples, no Row objects or result processing per row. The
        # next slice is fetched while the last one is written to the station file (in order: one helper thread).
        with closing(_server_cursor(source, table.name)) as cursor:
            cursor.execute(*_raw_query(query, source.dialect))
            while rows := cursor.fetchmany(stream_rows):
                deadline.progress()  # the bound is per slice fetched, not for the whole table
                ids = [r[_index(table, "id")] for r in rows] if table.name == "rma" else []
                lines = _lines_of(central, source, ids) if ids else []
                if stored is not None:
                    stored.result()
                stored = local_io.submit(_store, local, table, _stored(rows, convert), lines, horizon)
                count += len(rows)
                if should_stop():
                    break
        if stored is not None:
            stored.result()
    return count


Convert = Callable[[Any], Any] | None


def _server_cursor(source: Connection, name: str) -> Any:
    """A cursor that streams: PostgreSQL's named (server-side) cursor, PyMySQL's unbuffered one; SQLite's
    cursor steps through the file anyway."""
    raw: Any = source.connection.driver_connection
    if source.dialect.name == "postgresql":
        return raw.cursor(name=f"pull_{name}")
    if source.dialect.name in ("mysql", "mariadb"):
        import pymysql.cursors

        return raw.cursor(pymysql.cursors.SSCursor)
    return raw.cursor()


def _raw_query(query: Select[Any], dialect: Dialect) -> tuple[str, Any]:
    """The SQL and its parameters for the driver, bound as SQLAlchemy would bind them (the cursor's time)."""
    compiled = query.compile(dialect=dialect)
    values: dict[str, Any] = {}
    for name, value in compiled.params.items():
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        values[name] = process(value) if process is not None and value is not None else value
    if compiled.positional:
        return str(compiled), tuple(values[n] for n in compiled.positiontup or ())
    return str(compiled), values


def _read_columns(table: Table, dialect: str) -> tuple[list[ColumnElement[Any]], list[Convert]]:
    """What to select, and per column how a driver's value becomes what SQLAlchemy stores in the station's SQLite
    file (None: as it is; sqlite3 stores True as 1, as SQLAlchemy does). Times come as that text already,
    formatted by the server (C there, instead of a Python conversion per row here)."""
    columns: list[ColumnElement[Any]] = []
    out: list[Convert] = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, (UTCDateTime, DateTime)) and dialect in SERVER_TIME_TEXT:
            columns.append(SERVER_TIME_TEXT[dialect](column).label(column.name))
            out.append(None)
            continue
        columns.append(column)
        if isinstance(kind, (UTCDateTime, DateTime)):
            out.append(_sqlite_time)
        elif isinstance(kind, Date):
            out.append(_sqlite_date)
        elif isinstance(kind, (Integer, String, Boolean, Float)):
            out.append(None)
        else:
            raise TypeError(f"pull has no conversion for {table.name}.{column.name} ({kind})")
    return columns, out


# SQLAlchemy's SQLite DATETIME text (UTC, six fraction digits), made by the central server.
SERVER_TIME_TEXT: dict[str, Callable[[ColumnElement[Any]], ColumnElement[Any]]] = {
    "postgresql": lambda c: func.to_char(func.timezone("UTC", c), "YYYY-MM-DD HH24:MI:SS.US"),
    "mysql": lambda c: func.date_format(c, "%Y-%m-%d %H:%i:%s.%f"),  # DATETIME holds UTC already
    "mariadb": lambda c: func.date_format(c, "%Y-%m-%d %H:%i:%s.%f"),
}


def _sqlite_time(value: Any) -> Any:
    """SQLAlchemy's SQLite DATETIME text (always six fraction digits), in UTC: PostgreSQL gives aware values,
    MariaDB naive UTC ones, a SQLite central its text already."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _sqlite_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _stored(rows: Sequence[Sequence[Any]], convert: list[Convert]) -> list[Sequence[Any]]:
    """The slice with its converted columns, column by column (one map per column that needs it)."""
    if not any(convert):
        return list(rows)
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for n, fn in enumerate(convert):
        if fn is not None:
            columns[n] = list(map(fn, columns[n]))
    return list(zip(*columns, strict=True))


def _lines_of(central: Database, source: Connection, rma_ids: list[Any]) -> list[dict[str, Any]]:
    query = select(RMA_LINE).where(RMA_LINE.c.rma_id.in_(rma_ids))
    if source.dialect.name not in ("mysql", "mariadb"):  # PostgreSQL (server-side cursor), SQLite: beside the stream
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


def _cursor_after(rows: list[Sequence[Any]], horizon: datetime, table: Table) -> str:
    last = rows[-1]
    at = as_utc(last[_index(table, "updated_at")])
    assert at is not None  # updated_at is NOT NULL
    if at > horizon:  # recent rows: look again from the horizon next time
        return f"{horizon.isoformat()}|0"
    return f"{at.isoformat()}|{last[_index(table, 'id')]}"


def _index(table: Table, name: str) -> int:
    return list(table.columns.keys()).index(name)


def _store(local: Database, table: Table, rows: list[Sequence[Any]], lines: list[dict[str, Any]],
           horizon: datetime) -> None:
    try:
        with local.engine.begin() as conn:
            if table is OPERATOR:
                store_operators(conn, [_as_values(table, r) for r in rows])
            else:
                upsert_rows(conn, table, rows)
            if lines:
                upsert_by_id(conn, RMA_LINE, lines)
            state.write(conn, cursor_key(table), _cursor_after(rows, horizon, table))
    except (IntegrityError, sqlite3.IntegrityError) as exc:
        words = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SyncRefused(
            f"This station's own {table.name} rows clash with the central ones ({words}). "
            "In station mode master data comes only from the central database: import it there, and set up "
            "the station with an empty database (docs/central-database.md)."
        ) from exc


def _as_values(table: Table, row: Sequence[Any]) -> dict[str, Any]:
    """A stored row back as SQLAlchemy values (operators: a few rows through the sign-in-state rule)."""
    return {c.name: as_utc(v) if isinstance(c.type, UTCDateTime) else v
            for c, v in zip(table.columns, row, strict=True)}


def upsert_rows(conn: Connection, table: Table, rows: list[Sequence[Any]]) -> None:
    """Rows in the table's column order, as stored, upserted by id with sqlite3's own executemany (one C loop)."""
    names = list(table.columns.keys())
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    raw.executemany(_upsert_sql(table.name, tuple(names)), rows)


@cache
def _upsert_sql(table: str, names: tuple[str, ...]) -> str:
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    return (f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '  # noqa: S608 - our own names
            f"VALUES ({', '.join('?' for _ in names)}) ON CONFLICT (id) DO UPDATE SET {updates}")


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
