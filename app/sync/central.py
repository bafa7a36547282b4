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
from app.errors import CentralUnavailable, ConfigError, SyncError

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


@contextmanager
def plain_errors(central: Database, waiting: Callable[[], int] | None = None) -> Iterator[None]:
    """Turn driver errors into words: unreachable (the station keeps working) or refused (IT must fix).

    `waiting` counts the changes still to send; asked only when something failed."""
    try:
        yield
    except DBAPIError as exc:
        lost = exc.connection_invalidated  # the driver saw the connection drop, whatever the error class
        if isinstance(exc, IntegrityError) and not lost:
            raise SyncError(
                f"The central database ({central.description}) refused a change: {_first_line(exc)}. "
                "Nothing is lost (it stays in this station's outbox); ask IT to check that operators, catalog "
                "and RMAs were imported centrally."
            ) from exc
        if lost or isinstance(exc, (OperationalError, InterfaceError)):
            count = waiting() if waiting else 0
            later = f" {count} change(s) wait on this station" if count else " Changes wait on this station"
            raise CentralUnavailable(
                f"The central database ({central.description}) cannot be reached: {_first_line(exc)}. "
                f"Work continues here.{later} and are sent when it is back."
            ) from exc
        raise SyncError(
            f"The central database ({central.description}) reported an error: {_first_line(exc)}. "
            "Nothing is lost; ask IT to check the server and that its schema is upgraded (returns-desk db upgrade)."
        ) from exc


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() or type(exc.orig).__name__
    return text.splitlines()[0]
