"""Bounded round trips (the URL each driver gets), a timeout found in the error chain, the status bar's words
(cause first, how long, the real waiting count, a change set aside), and bookkeeping that waits for the lock."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.errors import ConfigError
from app.sync.central import central_url, error_class
from app.sync.push import SetAside
from app.sync.runner import SyncErrorKind, SyncStatus, _record, read_status
from ui.sync_worker import problem_details, problem_line


def test_postgresql_gets_statement_timeout_keepalives_and_tcp_user_timeout():
    url = make_url(central_url(Settings(mode="station", central_timeout_s=20,
                                        central_db="postgresql+psycopg://station@db.example/returns?sslmode=require"),
                               env={}))
    assert url.query["options"] == "-c statement_timeout=20000"
    assert url.query["keepalives"] == "1" and url.query["tcp_user_timeout"] == "20000"
    assert url.query["connect_timeout"] == "10" and url.query["sslmode"] == "require"


def test_mariadb_gets_read_and_write_timeouts_and_values_in_the_url_win():
    url = make_url(central_url(Settings(mode="station", central_db="mysql+pymysql://st@db/returns?read_timeout=90"),
                               env={}))
    assert url.query["read_timeout"] == "90" and url.query["write_timeout"] == "30"  # 30 s: the default


def test_a_timeout_below_one_second_is_refused_with_the_setting_named():
    with pytest.raises(ConfigError, match="central_timeout_s must be at least 1 second"):
        central_url(Settings(mode="station", central_db="postgresql+psycopg://st@db/r", central_timeout_s=0))


def test_a_socket_timeout_under_a_lost_connection_is_not_answering_not_unreachable():
    # PyMySQL raises "lost connection" (2013) from the socket's TimeoutError: the chain says what happened.
    try:
        try:
            raise TimeoutError("timed out")
        except TimeoutError:
            raise Exception(2013, "Lost connection to MySQL server during query (timed out)")  # noqa: B904
    except Exception as lost:
        error = OperationalError("INSERT", {}, lost)
    assert error_class(error).__name__ == "CentralNotAnswering"


def status(**changes) -> SyncStatus:
    base = {"waiting": 1124, "last_sync_at": None, "last_error": "The central database is not answering "
            "(nothing within 30 s; timeout). Work continues here. Server: postgresql+psycopg://st@db.example/r.",
            "conflicts": 0, "error_kind": SyncErrorKind.TIMED_OUT,
            "failing_since": datetime.now(UTC) - timedelta(minutes=3, seconds=5)}
    return SyncStatus(**{**base, **changes})


def test_the_status_line_says_the_cause_first_how_long_and_how_many_wait():
    line = problem_line(status())
    assert line == "Sync: central database not answering for 3 min, 1,124 waiting (work continues here)"


def test_another_error_keeps_its_cause_and_cuts_at_a_word():
    long_cause = "The central database reported an error: " + "value too long for the column " * 6
    line = problem_line(status(error_kind=SyncErrorKind.OTHER, last_error=long_cause + ". Server: x."))
    assert line.startswith("Sync problem: The central database reported an error: value too long")
    assert "…" in line and "postgresql" not in line and line.endswith("1,124 waiting")


def test_a_change_set_aside_is_said_with_its_lpn_and_reason_also_when_sync_works():
    aside = SetAside(1, "LP-D01-0000042", "duplicate LPN", "duplicate key value violates unique constraint")
    ok = status(last_error=None, error_kind=None, failing_since=None, set_aside=aside)
    assert problem_line(ok) == "1 change set aside: LP-D01-0000042 refused (duplicate LPN) — tell IT"
    assert "violates unique constraint" in problem_details(ok)


def test_the_outcome_is_recorded_although_the_station_holds_the_write_lock_past_the_busy_timeout(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(db)
    holder = Database(db.url)
    held = threading.Event()

    def hold_the_lock() -> None:  # the station's work, writing for longer than the 5 s busy timeout
        with holder.engine.begin() as conn:
            conn.execute(text("UPDATE sync_state SET value = value"))
            held.set()
            time.sleep(6.5)

    worker = threading.Thread(target=hold_the_lock)
    worker.start()
    held.wait(5)
    _record(db, error=ConnectionError("the real outage"), text="The central database is not answering.")
    worker.join()
    recorded = read_status(db)
    assert recorded.last_error == "The central database is not answering." and recorded.failing_since is not None
    holder.dispose()
    db.dispose()
