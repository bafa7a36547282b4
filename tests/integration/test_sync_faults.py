"""Sync under the faults a real dock produces, against the real central servers (PostgreSQL and MariaDB):
a user without the right to write, a connection that goes silent, one row the central database refuses for good."""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db.models import OutboxEntry, ReturnItem
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.sync.central import open_central
from app.sync.cli_sync import run_sync
from app.sync.fleet import claim_again
from app.sync.pull import pull_once
from app.sync.runner import SyncErrorKind, SyncLoop, SyncStatus
from tests.integration.stations import bulk_final_items, new_station
from tests.integration.tcp_proxy import CuttingProxy
from ui.sync_worker import problem_line

BOUND_S = 3


def rounds(desk, central: Database) -> SyncStatus:
    seen: list[SyncStatus] = []
    SyncLoop(desk.db, central, desk.ctx.station_id, 30, on_status=seen.append).run_round()
    return seen[-1]


def outbox_attempts(db: Database) -> tuple[int, str | None]:
    with db.engine.connect() as conn:
        row = conn.execute(select(func.min(OutboxEntry.attempts), func.max(OutboxEntry.last_error))
                           .where(OutboxEntry.sent_at.is_(None))).one()
        return int(row[0]), row[1]


@contextmanager
def read_only_user(central: Database, only: str | None = None) -> Iterator[str]:
    """A real user of the central database that may read but not write (SELECT rights only; on `only`, one
    table, if given)."""
    url = make_url(central.url)
    name, password = f"ro_{uuid.uuid4().hex[:8]}", "read-only-pw"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if url.get_backend_name() == "postgresql":
            conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'"))
            conn.execute(text(f"GRANT SELECT ON {only or 'ALL TABLES IN SCHEMA public'} TO {name}"))
        else:
            conn.execute(text(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'"))
            conn.execute(text(f"GRANT SELECT ON {url.database}.{only or '*'} TO '{name}'@'%'"))
    try:
        yield url.set(username=name, password=password).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if url.get_backend_name() == "postgresql":
                conn.execute(text(f"DROP OWNED BY {name}"))
                conn.execute(text(f"DROP ROLE {name}"))
            else:
                conn.execute(text(f"DROP USER '{name}'@'%'"))
        admin.dispose()


def test_a_user_without_write_rights_is_refused_and_every_attempt_is_recorded(central, tmp_path, configuration,
                                                                               clock, caplog):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    bulk_final_items(desk, desk.sign_in("B1001", "1111"), 3, clock)
    with read_only_user(central) as url:
        reader = Database(url)
        try:
            first = rounds(desk, reader)
            second = rounds(desk, reader)
        finally:
            reader.dispose()
    assert first.error_kind is second.error_kind is SyncErrorKind.REFUSED
    assert "rights" in (second.last_error or "")
    attempts, last_error = outbox_attempts(desk.db)
    assert attempts == 2 and last_error and "rights" in last_error
    assert any(r.levelname == "WARNING" and "refused" in r.getMessage() for r in caplog.records)
    with desk.db.engine.connect() as conn:
        assert second.waiting == conn.execute(select(func.count()).select_from(OutboxEntry)).scalar_one() >= 6
    with central.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ReturnItem)).scalar_one() == 0


def test_a_user_who_may_not_read_the_catalog_is_refused_at_the_pull_and_the_attempt_is_recorded(
        central, tmp_path, configuration, clock, caplog):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    bulk_final_items(desk, desk.sign_in("B1001", "1111"), 3, clock)
    with read_only_user(central, only="operator") as url:  # MariaDB 1142 / PostgreSQL 42501 on the product table
        reader = Database(url)
        try:
            status = rounds(desk, reader)
        finally:
            reader.dispose()
    assert status.error_kind is SyncErrorKind.REFUSED and "rights" in (status.last_error or "")
    attempts, last_error = outbox_attempts(desk.db)
    assert attempts == 1 and last_error == status.last_error
    assert [r.levelname for r in caplog.records if r.name == "returns_desk.sync"] == ["WARNING"]


def outbox_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(OutboxEntry)).scalar_one())


def central_items(central: Database) -> list[str]:
    with central.engine.connect() as conn:
        return list(conn.execute(select(ReturnItem.lpn)).scalars())


@pytest.mark.slow
def test_a_silent_link_ends_the_round_within_the_bound_says_so_and_sync_resumes(central, tmp_path, configuration,
                                                                                 clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    bulk_final_items(desk, desk.sign_in("B1001", "1111"), 300, clock)
    waiting = outbox_count(desk.db)
    url = make_url(central.url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 0)
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    flaky = open_central(Settings(station_id="D01", db=desk.db.url, mode="station", central_db=through,
                                  central_timeout_s=BOUND_S))
    try:
        pull_once(desk.db, flaky)  # what one pull sends, to go silent after the next one's: in the push
        proxy.silent_after(proxy.passed + 50_000)  # the push batch goes silent half-way: no RST, no answer
        started = time.monotonic()
        mid_push = rounds(desk, flaky)
        assert time.monotonic() - started < 3 * BOUND_S and proxy.swallowed > 0
        started = time.monotonic()  # still silent: a new connection is taken, then nothing answers
        on_connect = rounds(desk, flaky)
        assert time.monotonic() - started < 3 * BOUND_S
        for status in (mid_push, on_connect):
            assert status.error_kind is SyncErrorKind.TIMED_OUT, status.last_error
            assert status.waiting == waiting  # the real count, not "0 waiting"
            assert "not answering" in (status.last_error or "")
        assert on_connect.failing_since == mid_push.failing_since is not None  # since the first failed round
        line = problem_line(on_connect)
        assert line.startswith("Sync: central database not answering for ") and f"{waiting:,} waiting" in line
        # Each failed round is counted on the waiting rows, also the one that failed connecting.
        assert outbox_attempts(desk.db)[0] == 2 and "not answering" in (outbox_attempts(desk.db)[1] or "")

        proxy.set_silent(False)  # the link answers again
        back = rounds(desk, flaky)
    finally:
        flaky.dispose()
        proxy.close()
    assert back.last_error is None and back.waiting == 0 and back.failing_since is None
    assert len(central_items(central)) == 300


@pytest.mark.slow
def test_a_duplicate_lpn_centrally_is_set_aside_and_the_rest_keeps_flowing(central, tmp_path, configuration, clock,
                                                                           capsys):
    load_demo_master_data(central)
    # A reset station file: the same station id starts its LPNs again at 1, and its first item is central already.
    old = new_station(tmp_path / "old", central, "D01", configuration, clock)
    bulk_final_items(old, old.sign_in("B1001", "1111"), 1, clock)
    assert rounds(old, central).last_error is None
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    claim_again(desk.db, central, "D01")  # IT gave the id to the re-installed station (stations claim)
    ids = bulk_final_items(desk, desk.sign_in("B1001", "1111"), 40, clock)

    status = rounds(desk, central)
    assert status.last_error is None and status.waiting == 0  # all the others went up
    assert status.set_aside is not None and status.set_aside.first == "LP-D01-0000001"
    assert status.set_aside.reason == "duplicate LPN", status.set_aside
    assert status.set_aside.count == 1  # only the item: its audit event refers to it by id, not by LPN
    assert problem_line(status) == "1 change set aside: LP-D01-0000001 refused (duplicate LPN) — tell IT"
    assert sorted(central_items(central)) == [f"LP-D01-{n:07d}" for n in range(1, 41)]  # 0000001 is the old one
    with central.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ReturnItem)
                            .where(ReturnItem.id.in_(ids[1:]))).scalar_one() == 39

    bulk_final_items(desk, desk.sign_in("B1001", "1111"), 5, clock)  # later work still flows
    again = rounds(desk, central)
    assert again.last_error is None and again.waiting == 0 and again.set_aside == status.set_aside
    assert len(central_items(central)) == 45

    settings = Settings(station_id="D01", db=desk.db.url, mode="station", central_db=central.url)
    assert run_sync(argparse.Namespace(central=None, action="status", once=False, backfill=False), settings) == 1
    printed = capsys.readouterr().out
    assert "set aside: 1 change set aside: LP-D01-0000001 refused (duplicate LPN) — tell IT" in printed
    assert "waiting to be sent: 0" in printed
