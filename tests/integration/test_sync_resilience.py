"""Sync when things go wrong: a cut connection mid-push, two stations at once, a day offline, a conflict."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.db.models import AuditEvent, OutboxEntry, ReturnItem, SyncApplied, SyncConflict
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.errors import CentralUnavailable
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync.outbox import last_pushed_version
from app.sync.push import count_waiting, push_once
from app.sync.runner import read_status, sync_once
from tests.integration.stations import bulk_final_items, grade, new_station, plain_gtins
from tests.integration.tcp_proxy import CuttingProxy


def count(db, model, *where):
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def lpns(db):
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(ReturnItem.lpn)))


@pytest.mark.slow
def test_connection_cut_mid_push_then_every_record_once(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    ids = bulk_final_items(desk, worker, 400, clock)
    outbox_rows = count(desk.db, OutboxEntry)
    url = make_url(central.url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 0)
    try:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        # Cut at growing points of the stream: in the first batch, mid-batch, around commits, later batches.
        budget, partial = 2_000, 0
        while count_waiting(desk.db) > 0 and proxy.cuts < 12:
            waiting = count_waiting(desk.db)
            proxy.cut_after(budget)
            flaky = Database(through_proxy)
            try:
                push_once(desk.db, flaky, "D01", batch_size=100)
            except CentralUnavailable as exc:
                assert "cannot be reached" in str(exc)
                partial += 0 < count_waiting(desk.db) < waiting  # some batches made it before the cut
            finally:
                flaky.dispose()
            budget = budget * 17 // 10
        assert proxy.cuts >= 3 and partial >= 1  # really dropped mid-push, after some batches went through
    finally:
        proxy.close()
    push_once(desk.db, central, "D01", batch_size=100)  # recovered
    assert count_waiting(desk.db) == 0
    assert count(central, ReturnItem) == len(ids) == len(set(lpns(central)))
    assert count(central, AuditEvent) == count(desk.db, AuditEvent)
    assert count(central, SyncApplied) == outbox_rows  # every change applied exactly once


@pytest.mark.slow
def test_two_stations_push_at_the_same_time(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    stations = [new_station(tmp_path, central, sid, configuration, clock) for sid in ("D01", "D02")]
    for desk in stations:
        bulk_final_items(desk, desk.sign_in("B1001", "1111"), 300, clock)
    errors: list[BaseException] = []

    def push(desk: Desk) -> None:
        try:
            push_once(desk.db, central, desk.ctx.station_id, batch_size=50)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(desk,)) for desk in stations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    all_lpns = lpns(central)
    assert len(all_lpns) == len(set(all_lpns)) == 600
    assert {lpn[:6] for lpn in all_lpns} == {"LP-D01", "LP-D02"}
    assert count(central, AuditEvent) == sum(count(d.db, AuditEvent) for d in stations)


@pytest.mark.slow
def test_a_day_offline_then_catching_up(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    closed = make_url(central.url).set(host="127.0.0.1", port=_closed_port()).render_as_string(hide_password=False)
    offline = Database(closed)
    graded = [grade(desk, worker, gtin) for gtin in plain_gtins(desk.db, 5)]  # the real flow works offline
    bulk_final_items(desk, worker, 1000, clock)  # ... and the rest of the day
    with pytest.raises(CentralUnavailable) as failure:
        sync_once(desk.db, offline, "D01")
    offline.dispose()
    message = str(failure.value)
    assert "cannot be reached" in message and "Work continues" in message
    status = read_status(desk.db)
    assert status.waiting == count(desk.db, OutboxEntry) > 2000
    assert status.last_error == message and status.last_sync_at is None

    sync_once(desk.db, central, "D01")
    assert read_status(desk.db).waiting == 0 and read_status(desk.db).last_error is None
    assert count(central, ReturnItem) == 1005
    assert {g.id for g in graded} <= set(_ids(central))


def test_central_supervisor_edit_wins_and_the_station_version_is_kept(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    item = grade(desk, worker, plain_gtins(desk.db, 1)[0])
    sync_once(desk.db, central, "D01")

    # A supervisor voids it on the central database (direct mode) while the station, offline, voids it too.
    hq = Desk(central, StationContext("HQ", configuration, clock=clock))
    hq.void_item(hq.sign_in("B2001", "2222"), item.id, "other", "customer fraud case 41")
    desk.void_item(worker, item.id, "wrong_answer")

    report = sync_once(desk.db, central, "D01")
    assert len(report.pushed.conflicts) == 1
    with central.unit_of_work() as uow:
        kept = uow.session.get(ReturnItem, item.id)
        assert kept.void_reason == "Other: customer fraud case 41"  # central wins
        logged = uow.session.scalars(select(SyncConflict)).one()
        assert logged.station_id == "D01" and logged.entity_key == str(item.id)
        assert logged.local["void_reason"] == "Answered a question wrong"  # nothing dropped silently
        assert "Central version" in logged.resolution
    with desk.db.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).void_reason == "Other: customer fraud case 41"
        assert uow.session.scalars(select(SyncConflict)).one().local["void_reason"] == "Answered a question wrong"
        # The station's next change of the item builds on the central version: no second conflict.
        assert last_pushed_version(uow.session, str(item.id)) == kept.version
    assert read_status(desk.db).conflicts == 1
    assert sync_once(desk.db, central, "D01").pushed.conflicts == []


def _ids(db):
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(ReturnItem.id)))


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
