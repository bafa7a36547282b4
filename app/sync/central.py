"""The central database: its URL with credentials from the environment or the OS keyring, and plain-words errors.

A password is never read from a config file: `central_db` names the server and user, the password comes from
RETURNS_DESK_CENTRAL_PASSWORD or the keyring (service "ReturnsDesk", user "<db user>@<host>"). PostgreSQL
TLS options go in the URL's query (`?sslmode=verify-full&sslrootcert=...`) and reach libpq unchanged.
"""

from __future__ import annotations

import os
import socket
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from app.config import APP_NAME, Settings
from app.db.uow import Database
from app.errors import (
    CentralNotAnswering,
    CentralSchemaMismatch,
    CentralUnavailable,
    ChangeRefused,
    ConfigError,
    ReturnsDeskError,
    SyncError,
    SyncRefused,
)

CONNECT_TIMEOUT_S = 10
DEFAULT_TIMEOUT_S = 30
# TCP keepalive: probe an idle link after 10 s, every 5 s, give up after 3 unanswered probes (~25 s).
KEEPALIVE = {"keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5", "keepalives_count": "3"}
PASSWORD_ENV = "RETURNS_DESK_CENTRAL_PASSWORD"  # noqa: S105 - the name of a variable, not a password


def central_url(settings: Settings, env: dict[str, str] | None = None) -> str:
    if not settings.central_db:
        raise ConfigError(
            f"Mode '{settings.mode}' needs the central database: set central_db in station.toml "
            "or the environment variable RETURNS_DESK_CENTRAL_DB (docs/central-database.md)."
        )
    try:
        url = make_url(settings.central_db)
    except Exception as exc:
        raise ConfigError(f"central_db is not a database URL ({exc}). Example: "
                          "postgresql+psycopg://station@db.example/returns?sslmode=require") from None
    if url.password is None:
        password = (os.environ if env is None else env).get(PASSWORD_ENV) or _keyring_password(url)
        if password:
            url = url.set(password=password)
    return bounded_url(url, settings.central_timeout_s).render_as_string(hide_password=False)


def open_central(settings: Settings) -> Database:
    """The central database with every round trip bounded by `central_timeout_s` (see `bounded_url`)."""
    central = Database(central_url(settings))
    watch(central.engine, settings.central_timeout_s)
    return central


def bounded_url(url: URL, timeout_s: int) -> URL:
    """Timeouts on the driver's own terms, so a dead or silent link ends a round instead of holding it for good:
    connect timeout; PostgreSQL: statement_timeout, TCP keepalives and tcp_user_timeout (unacknowledged data);
    MariaDB: read and write timeouts. Values already in the URL win."""
    if timeout_s < 1:
        raise ConfigError(f"central_timeout_s must be at least 1 second, not {timeout_s}.")
    backend = url.get_backend_name()
    wanted: dict[str, str] = {"connect_timeout": str(min(CONNECT_TIMEOUT_S, timeout_s))}
    if backend == "postgresql":
        options = url.query.get("options", "")
        if "statement_timeout" not in str(options):
            wanted["options"] = f"{options} -c statement_timeout={timeout_s * 1000}".strip()
        wanted.update(KEEPALIVE, tcp_user_timeout=str(timeout_s * 1000))
    elif backend in ("mysql", "mariadb"):
        wanted.update(read_timeout=str(timeout_s), write_timeout=str(timeout_s))
    else:
        return url
    return url.update_query_dict({k: v for k, v in wanted.items() if k not in url.query or k == "options"})


def _keyring_password(url: URL) -> str | None:
    try:
        import keyring  # optional: `pip install keyring` on stations that keep the password there
    except ImportError:
        return None
    try:
        password: str | None = keyring.get_password(APP_NAME, f"{url.username}@{url.host}")
        return password
    except Exception:  # a locked or absent keyring backend is the same as no password stored
        return None


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


@dataclass
class _Watch:
    """The connections of one central engine and how long one round trip may take."""

    timeout_s: float
    connections: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)


_watches: weakref.WeakKeyDictionary[Engine, _Watch] = weakref.WeakKeyDictionary()
_watch_lock = threading.Lock()


def watch(engine: Engine, timeout_s: float = DEFAULT_TIMEOUT_S) -> _Watch:
    """Know every connection of `engine`, so a round trip past its bound can be cut (see `answer_within`)."""
    with _watch_lock:
        found = _watches.get(engine)
        if found is None:
            found = _watches[engine] = _Watch(timeout_s)
            if engine.dialect.name == "sqlite":  # a file (tests' central): no link to go silent
                return found
            event.listen(engine, "connect", lambda dbapi, _record: found.connections.add(dbapi))
            event.listen(engine, "checkout", lambda dbapi, _record, _proxy: found.connections.add(dbapi))
        return found


class Deadline:
    """A watchdog on the central round trips of one unit of work. The drivers' timeouts cover a link that fails;
    this covers a peer that takes the packets and never answers (a hung proxy or middlebox): past the bound,
    the sockets are shut down so the blocked call returns with an error. `progress()` starts the bound again."""

    def __init__(self, found: _Watch) -> None:
        self.found = found
        self.fired = False
        self._timer: threading.Timer | None = None

    def progress(self) -> None:
        self.cancel()
        self._timer = threading.Timer(self.found.timeout_s, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        for dbapi in list(self.found.connections):
            _shut_down(dbapi)


def _shut_down(dbapi: Any) -> None:
    """Shut the socket under a driver connection down (psycopg: its fd; PyMySQL: its socket)."""
    try:
        if hasattr(dbapi, "fileno"):  # psycopg: a copy of the descriptor, shut down, closed; the driver's stays
            with socket.socket(fileno=os.dup(dbapi.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        elif getattr(dbapi, "_sock", None) is not None:
            dbapi._sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # noqa: S110 - already closed or lost (the driver says so its own way): nothing to cut
        pass


# What the driver's error codes mean for a station (PostgreSQL SQLSTATE classes, MariaDB/MySQL error numbers).
PG_UNREACHABLE_CLASSES = ("08", "53", "57")  # connection exception, insufficient resources, operator intervention
PG_TIMED_OUT_STATES = ("57014", "25P03")  # statement timeout (query canceled), idle in transaction timeout
PG_REFUSED_CLASSES = ("28",)  # invalid authorization (user, password)
PG_REFUSED_STATES = ("42501",)  # insufficient privilege
PG_SCHEMA_STATES = ("42P01", "42703", "42883", "42704")  # undefined table, column, function, object
PG_ROW_CLASSES = ("23", "22")  # integrity constraint violation, data exception: that row, for good
PG_UNIQUE, PG_FOREIGN_KEY = "23505", "23503"
MYSQL_UNREACHABLE = frozenset({2002, 2003, 2005, 2006, 2013, 2055})  # cannot connect, server gone, lost connection
MYSQL_TIMED_OUT = frozenset({1205, 3024, 1969})  # lock wait timeout, query interrupted by its time limit
MYSQL_REFUSED = frozenset({1044, 1045, 1142, 1143, 1227, 1698})  # rights, user or password
MYSQL_SCHEMA = frozenset({1054, 1146})  # unknown column, no such table
MYSQL_UNIQUE, MYSQL_FOREIGN_KEY = frozenset({1062, 1586}), frozenset({1216, 1452, 1451, 1217})
MYSQL_ROW = MYSQL_UNIQUE | MYSQL_FOREIGN_KEY | {1048, 1264, 1292, 1366, 1406, 3819, 4025}  # null, range, check
# Errors whose driver gives no code: a connect that timed out (psycopg), a socket timeout under a driver.
TIMEOUT_TYPES = ("ConnectionTimeout", "TimeoutError")


def error_class(exc: DBAPIError) -> type[ReturnsDeskError]:
    """The kind of a driver error, by its code where the driver gives one, else by its class."""
    number = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    if _timed_out(exc.orig):
        return CentralNotAnswering
    if isinstance(number, int):  # PyMySQL: (error number, message)
        return _mysql_class(number)
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(code, str):  # psycopg (none when the connection itself failed)
        return _postgres_class(code)
    if isinstance(exc, IntegrityError):
        return ChangeRefused
    if isinstance(exc, (OperationalError, InterfaceError)):
        return CentralUnavailable
    return SyncError


def _timed_out(error: BaseException | None) -> bool:
    """A timeout anywhere in the error's chain (PyMySQL raises its lost-connection error from the socket's)."""
    seen = 0
    while error is not None and seen < 5:
        if any(t.__name__ in TIMEOUT_TYPES for t in type(error).__mro__):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _postgres_class(sqlstate: str) -> type[ReturnsDeskError]:
    if sqlstate in PG_TIMED_OUT_STATES:
        return CentralNotAnswering
    if sqlstate.startswith(PG_UNREACHABLE_CLASSES):
        return CentralUnavailable
    if sqlstate.startswith(PG_REFUSED_CLASSES) or sqlstate in PG_REFUSED_STATES:
        return SyncRefused
    if sqlstate.startswith(PG_ROW_CLASSES):
        return ChangeRefused
    return CentralSchemaMismatch if sqlstate in PG_SCHEMA_STATES else SyncError


def _mysql_class(number: int) -> type[ReturnsDeskError]:
    if number in MYSQL_TIMED_OUT:
        return CentralNotAnswering
    if number in MYSQL_UNREACHABLE:
        return CentralUnavailable
    if number in MYSQL_REFUSED:
        return SyncRefused
    if number in MYSQL_ROW:
        return ChangeRefused
    return CentralSchemaMismatch if number in MYSQL_SCHEMA else SyncError


def refusal_reason(exc: DBAPIError) -> str:
    """A few words for a row refused for good, from the driver's code: what IT reads first."""
    number = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    # MariaDB's error number first (PyMySQL errors may carry a generic SQLSTATE too), else PostgreSQL's SQLSTATE.
    code = number if isinstance(number, int) else getattr(exc.orig, "sqlstate", None)
    if code == PG_UNIQUE or code in MYSQL_UNIQUE:
        # Which unique key: the constraint's name (PostgreSQL) or the key named in the message (MariaDB).
        name = str(getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or _first_line(exc))
        return "duplicate LPN" if "lpn" in name.lower() else "already exists centrally"
    if code == PG_FOREIGN_KEY or code in MYSQL_FOREIGN_KEY:
        return "refers to a record the central database does not have"
    return "a value the central database does not accept"


@contextmanager
def plain_errors(central: Database, waiting: Callable[[], int] | None = None) -> Iterator[Deadline]:
    """Turn driver errors into typed errors in words: unreachable or not answering (the station keeps working,
    retries), refused or schema (IT must fix), a row refused for good, or another server error. A dropped
    connection is unreachable whatever the code. Every round trip inside is bounded (`Deadline`).

    `waiting` counts the changes still to send; asked only when something failed."""
    deadline = Deadline(watch(central.engine))
    deadline.progress()
    try:
        yield deadline
    except Exception as error:
        exc = _as_dbapi_error(central, error)
        if exc is None:
            raise
        if deadline.fired:
            kind: type[ReturnsDeskError] = CentralNotAnswering
        else:
            kind = CentralUnavailable if exc.connection_invalidated else error_class(exc)
        raise _plain(kind, central, exc, waiting) from error
    finally:
        deadline.cancel()


def _as_dbapi_error(central: Database, error: Exception) -> DBAPIError | None:
    """SQLAlchemy's wrapped error; a driver's own error (a raw cursor: COPY) wrapped the same way."""
    if isinstance(error, DBAPIError):
        return error
    dialect = central.engine.dialect
    if not isinstance(error, dialect.loaded_dbapi.Error):
        return None
    wrapped = DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error, dialect=dialect,
                                  connection_invalidated=dialect.is_disconnect(error, None, None))
    assert isinstance(wrapped, DBAPIError)
    return wrapped


def _plain(kind: type[ReturnsDeskError], central: Database, exc: DBAPIError,
           waiting: Callable[[], int] | None) -> ReturnsDeskError:
    where, line = central.description, _first_line(exc)
    if issubclass(kind, CentralUnavailable):
        count = waiting() if waiting else 0
        later = f"{count:,} change(s) wait on this station" if count else "Changes wait on this station"
        if kind is CentralNotAnswering:
            bound = watch(central.engine).timeout_s
            return CentralNotAnswering(f"The central database is not answering (nothing within {bound:g} s; "
                                       f"{line}). Work continues here. {later} and are sent when it answers. "
                                       f"Server: {where}.")
        return CentralUnavailable(f"The central database cannot be reached: {line}. Work continues here. "
                                  f"{later} and are sent when it is back. Server: {where}.")
    if kind is ChangeRefused:
        reason = refusal_reason(exc)
        return ChangeRefused(f"The central database refuses a change for good ({reason}): {line}. "
                             f"Server: {where}.", reason)
    return kind(_MESSAGES.get(kind, _MESSAGES[SyncError]).format(where=where, line=line))


# Cause first (the status bar shows the first sentence), then what to do, then which server.
_MESSAGES: dict[type[ReturnsDeskError], str] = {
    SyncRefused: ("The central database refused this station's user (rights or password): {line}. Nothing is "
                  "lost (it stays in this station's outbox); ask IT to check the station's database user, its "
                  "password and its rights to read and write the central tables. Server: {where}."),
    CentralSchemaMismatch: ("The central database does not have the tables this version of Returns Desk "
                            "uses: {line}. Nothing is lost; ask IT to upgrade the central schema "
                            "(returns-desk db upgrade) or this station, so both are the same version. "
                            "Server: {where}."),
    SyncError: ("The central database reported an error: {line}. Nothing is lost; ask IT to check the "
                "server and that its schema is upgraded (returns-desk db upgrade). Server: {where}."),
}


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() or type(exc.orig).__name__
    return text.splitlines()[0]
