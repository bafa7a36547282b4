"""The central database: its URL with credentials from the environment or the OS keyring, and plain-words errors.

A password is never read from a config file: `central_db` names the server and user, the password comes from
RETURNS_DESK_CENTRAL_PASSWORD or the keyring (service "ReturnsDesk", user "<db user>@<host>"). PostgreSQL
TLS options go in the URL's query (`?sslmode=verify-full&sslrootcert=...`) and reach libpq unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from app.config import APP_NAME, Settings
from app.db.uow import Database
from app.errors import (
    CentralSchemaMismatch,
    CentralUnavailable,
    ConfigError,
    ReturnsDeskError,
    SyncError,
    SyncRefused,
)

CONNECT_TIMEOUT_S = 10
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
    if url.get_backend_name() in ("postgresql", "mysql", "mariadb") and "connect_timeout" not in url.query:
        # A server behind a dead link would otherwise hold a sync round for minutes (OS TCP timeout).
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return url.render_as_string(hide_password=False)


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


# What the driver's error codes mean for a station (PostgreSQL SQLSTATE classes, MariaDB/MySQL error numbers).
PG_UNREACHABLE_CLASSES = ("08", "53", "57")  # connection exception, insufficient resources, operator intervention
PG_REFUSED_CLASSES = ("28",)  # invalid authorization (user, password)
PG_REFUSED_STATES = ("42501",)  # insufficient privilege
PG_SCHEMA_STATES = ("42P01", "42703", "42883", "42704")  # undefined table, column, function, object
MYSQL_UNREACHABLE = frozenset({2002, 2003, 2005, 2006, 2013, 2055})  # cannot connect, server gone, lost connection
MYSQL_REFUSED = frozenset({1044, 1045, 1142, 1143, 1227, 1698})  # rights, user or password
MYSQL_SCHEMA = frozenset({1054, 1146})  # unknown column, no such table


def error_class(exc: DBAPIError) -> type[ReturnsDeskError]:
    """The kind of a driver error, by its code where the driver gives one, else by its class."""
    if isinstance(exc, IntegrityError):
        return SyncRefused
    number = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    if isinstance(number, int):  # PyMySQL: (error number, message)
        return _mysql_class(number)
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(code, str):  # psycopg (none when the connection itself failed)
        return _postgres_class(code)
    if isinstance(exc, (OperationalError, InterfaceError)):
        return CentralUnavailable
    return SyncError


def _postgres_class(sqlstate: str) -> type[ReturnsDeskError]:
    if sqlstate.startswith(PG_UNREACHABLE_CLASSES):
        return CentralUnavailable
    if sqlstate.startswith(PG_REFUSED_CLASSES) or sqlstate in PG_REFUSED_STATES:
        return SyncRefused
    return CentralSchemaMismatch if sqlstate in PG_SCHEMA_STATES else SyncError


def _mysql_class(number: int) -> type[ReturnsDeskError]:
    if number in MYSQL_UNREACHABLE:
        return CentralUnavailable
    if number in MYSQL_REFUSED:
        return SyncRefused
    return CentralSchemaMismatch if number in MYSQL_SCHEMA else SyncError


@contextmanager
def plain_errors(central: Database, waiting: Callable[[], int] | None = None) -> Iterator[None]:
    """Turn driver errors into typed errors in words: unreachable (the station keeps working, retries), refused
    or schema (IT must fix), or another server error. A dropped connection is unreachable whatever the code.

    `waiting` counts the changes still to send; asked only when something failed."""
    try:
        yield
    except DBAPIError as exc:
        kind = CentralUnavailable if exc.connection_invalidated else error_class(exc)
        where, line = central.description, _first_line(exc)
        if kind is CentralUnavailable:
            count = waiting() if waiting else 0
            later = f" {count} change(s) wait on this station" if count else " Changes wait on this station"
            raise CentralUnavailable(f"The central database ({where}) cannot be reached: {line}. "
                                     f"Work continues here.{later} and are sent when it is back.") from exc
        raise kind(_MESSAGES.get(kind, _MESSAGES[SyncError]).format(where=where, line=line)) from exc


_MESSAGES: dict[type[ReturnsDeskError], str] = {
    SyncRefused: ("The central database ({where}) refused a change or this station's user: {line}. Nothing is "
                  "lost (it stays in this station's outbox); ask IT to check the station's database user, its "
                  "password and rights, and that operators, catalog and RMAs were imported centrally."),
    CentralSchemaMismatch: ("The central database ({where}) does not have the tables this version of Returns Desk "
                            "uses: {line}. Nothing is lost; ask IT to upgrade the central schema "
                            "(returns-desk db upgrade) or this station, so both are the same version."),
    SyncError: ("The central database ({where}) reported an error: {line}. Nothing is lost; ask IT to check the "
                "server and that its schema is upgraded (returns-desk db upgrade)."),
}


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() or type(exc.orig).__name__
    return text.splitlines()[0]
