"""Modes, the central URL from the environment, credentials never from the file, backoff."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from app.config import Settings, load_settings
from app.db.uow import Database
from app.errors import (
    CentralNotAnswering,
    CentralSchemaMismatch,
    CentralUnavailable,
    ChangeRefused,
    ConfigError,
    SyncError,
    SyncRefused,
)
from app.sync.batch import PushResult
from app.sync.central import central_url, plain_errors
from app.sync.pull import PullResult
from app.sync.runner import MAX_BACKOFF_S, SyncErrorKind, SyncLoop, SyncStatus, read_status


def test_mode_and_central_db_come_from_the_environment(tmp_path):
    settings = load_settings(env={"RETURNS_DESK_MODE": "station",
                                  "RETURNS_DESK_CENTRAL_DB": "postgresql+psycopg://station@db.example/returns"},
                             system_file=tmp_path / "none.toml", user_file=tmp_path / "none2.toml")
    assert settings.mode == "station" and settings.central_db.endswith("@db.example/returns")


def test_unknown_mode_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ConfigError, match="standalone, station, direct"):
        load_settings(env={"RETURNS_DESK_MODE": "central"}, system_file=tmp_path / "a", user_file=tmp_path / "b")


def test_password_comes_from_the_environment_not_the_url_in_the_file():
    settings = Settings(mode="station", central_db="postgresql+psycopg://station@db.example/returns?sslmode=verify-full")
    url = central_url(settings, env={"RETURNS_DESK_CENTRAL_PASSWORD": "s3cret"})
    assert url.startswith("postgresql+psycopg://station:s3cret@db.example/returns")
    assert "sslmode=verify-full" in url  # TLS options reach libpq unchanged
    assert "connect_timeout=10" in url  # a dead link fails a sync round in seconds, not minutes
    assert ":s3cret@" not in central_url(settings, env={})


def test_station_mode_without_a_central_database_says_what_to_set():
    with pytest.raises(ConfigError, match="RETURNS_DESK_CENTRAL_DB"):
        central_url(Settings(mode="station"))


def test_backoff_grows_and_is_capped():
    loop = SyncLoop(None, None, "D01", 30, on_status=lambda s: None)  # type: ignore[arg-type]
    assert loop.next_delay() == 30
    loop.failures = 1
    assert loop.next_delay() == 60
    loop.failures = 8
    assert loop.next_delay() == MAX_BACKOFF_S


class PgError(Exception):
    """A psycopg error as far as classification goes: its message and SQLSTATE."""

    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("error", "expected", "words"), [
    (OperationalError("SELECT 1", {}, Exception("connection refused")), CentralUnavailable, "cannot be reached"),
    (ProgrammingError("SELECT 1", {}, Exception("packet sequence"), connection_invalidated=True),
     CentralUnavailable, "Work continues here"),
    (IntegrityError("INSERT", {}, Exception("foreign key")), ChangeRefused, "refuses a change for good"),
    (ProgrammingError("SELECT 1", {}, Exception("no such table")), SyncError, "db upgrade"),
    # By the driver's code: PostgreSQL SQLSTATE, MariaDB/MySQL error number.
    (OperationalError("SELECT 1", {}, PgError("password authentication failed", "28P01")), SyncRefused, "password"),
    (ProgrammingError("SELECT 1", {}, PgError("permission denied", "42501")), SyncRefused, "rights"),
    (ProgrammingError("SELECT 1", {}, PgError('relation "sync_applied" does not exist', "42P01")),
     CentralSchemaMismatch, "upgrade the central schema"),
    (OperationalError("SELECT 1", {}, PgError("the database system is shutting down", "57P03")),
     CentralUnavailable, "cannot be reached"),
    (OperationalError("SELECT 1", {}, Exception(1054, "Unknown column 'auto_answered'")), CentralSchemaMismatch,
     "does not have the tables"),
    (OperationalError("SELECT 1", {}, Exception(1045, "Access denied for user")), SyncRefused, "user"),
    (OperationalError("SELECT 1", {}, Exception(2003, "Can't connect to MySQL server")), CentralUnavailable,
     "3 change"),
    # Refused for good (one row), refused rights (the station), timed out (like unreachable).
    (IntegrityError("INSERT", {}, PgError("duplicate key value violates unique constraint", "23505")),
     ChangeRefused, "already exists centrally"),
    (IntegrityError("INSERT", {}, Exception(1062, "Duplicate entry 'LP-D01-0000042' for key 'uq_return_item_lpn'")),
     ChangeRefused, r"for good \(duplicate LPN\)"),
    (IntegrityError("INSERT", {}, Exception(1452, "Cannot add or update a child row")), ChangeRefused,
     "refers to a record"),
    (ProgrammingError("INSERT", {}, Exception(1142, "INSERT command denied to user")), SyncRefused, "rights"),
    (OperationalError("SELECT 1", {}, PgError("canceling statement due to statement timeout", "57014")),
     CentralNotAnswering, "not answering"),
    (OperationalError("SELECT 1", {}, Exception(1205, "Lock wait timeout exceeded")), CentralNotAnswering,
     "3 change"),
])
def test_driver_errors_become_words(tmp_path, error, expected, words):
    central = Database(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(expected, match=words) as raised, plain_errors(central, waiting=lambda: 3):
        raise error
    assert type(raised.value) is expected  # the exact kind: the UI switches on it
    central.dispose()


@pytest.mark.parametrize(("error", "kind"), [
    (CentralUnavailable("down"), SyncErrorKind.UNREACHABLE),
    (SyncRefused("no rights"), SyncErrorKind.REFUSED),
    (CentralSchemaMismatch("old server"), SyncErrorKind.SCHEMA),
    (SyncError("other"), SyncErrorKind.OTHER),
    (RuntimeError("a bug"), SyncErrorKind.OTHER),
])
def test_the_status_says_the_kind_of_problem_from_the_error_type(empty_db, error, kind, monkeypatch):
    monkeypatch.setattr("app.sync.fleet.before_round", lambda *args: None)  # the central here has no tables
    loop = SyncLoop(empty_db, Database("sqlite://"), "D01", 30, on_status=lambda s: None)
    seen: list[SyncStatus] = []
    loop.on_status = seen.append
    with patch("app.sync.runner.pull_once", side_effect=error):
        loop.run_round()
    assert seen[-1].error_kind is kind and seen[-1].last_error
    assert read_status(empty_db).error_kind is kind  # kept in the file: `sync status` in another process
    with patch("app.sync.runner.pull_once", return_value=PullResult()), \
            patch("app.sync.runner.push_once", return_value=PushResult()):
        loop.run_round()
    assert seen[-1].error_kind is None and seen[-1].last_error is None
