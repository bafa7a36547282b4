"""Supervisor writes on the real central engines (PostgreSQL and MariaDB): an override or a resolution made
centrally on another station's item reaches that station with its next sync round, and a reprint there shows
the new decision; a central change meeting a local one waiting follows the conflict rule, and the floor
follows it too. After each, central == station for every synced table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.models import PrintJob, ReturnItem, SyncConflict
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.printing.documents import LabelDoc, SlipDoc, load
from app.review.overrides import OverridePolicy, override
from app.review.resolutions import resolve
from app.services import operators, print_queue
from app.services.context import StationContext
from app.services.intake import UnknownProduct
from app.services.views import OperatorView
from app.sync.runner import sync_once
from tests.helpers import answer_all
from tests.integration.stations import grade, new_station, plain_gtins
from tests.sync_compare import SYNCED_TABLES, synced_rows

POLICY = OverridePolicy({"grading_error": "Grading error", "other": "Other"}, approval_above_cents=1_000_000)


def assert_central_equals_station(station: Database, central: Database, after: str) -> None:
    """Every synced table equal; the audit trail compared for the station's own events (the central one also
    holds the supervisor's, made at another desk, which are not pulled)."""
    for table in SYNCED_TABLES:
        mine, theirs = synced_rows(station, table), synced_rows(central, table)
        if table.name == "audit_event":
            theirs = [r for r in theirs if r["station_id"] == "D01"]
        assert mine == theirs, f"after {after}: {table.name} differs"


def _central_supervisor(central: Database, ctx: StationContext) -> OperatorView:
    with central.unit_of_work() as uow:
        return operators.sign_in(uow, ctx, "B2001", "2222")


def _newest(db: Database, item_id, kind: str) -> PrintJob:
    with db.unit_of_work() as uow:
        job = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item_id, PrintJob.kind == kind)
                                  .order_by(PrintJob.created_at.desc())).first()
        assert job is not None
        uow.session.expunge(job)
        return job


def _setup(central, tmp_path, configuration, clock):
    clock.at = datetime.now(UTC)  # audit times drive the pull of changed items: a real, recent clock
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    office = StationContext("D02", configuration, clock=clock, local_today=desk.ctx.local_today)
    return desk, office, _central_supervisor(central, office)


def test_an_override_made_centrally_reaches_its_station_and_its_reprint(central, tmp_path, configuration, clock):
    desk, office, supervisor = _setup(central, tmp_path, configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    item = grade(desk, worker, plain_gtins(desk.db, 1)[0])
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    clock.at += timedelta(minutes=1)  # jobs are ordered by their time
    new_disposition = "liquidate" if item.disposition != "liquidate" else "recycle"
    with central.unit_of_work() as uow:  # the supervisor's desk at D02 writes the central database directly
        override(uow, office, supervisor, item.id, grade="D", disposition=new_disposition, reason="grading_error",
                 note="crack under the base", policy=POLICY)
    with central.unit_of_work() as uow:  # nothing for D01's floor is queued centrally: D01 does it itself
        assert uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item.id,
                                                          PrintJob.reason.is_not(None))).first() is None
    report = sync_once(desk.db, central, "D01", ctx=desk.ctx)
    assert report.items is not None and report.items.taken == [item.id]
    with desk.db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert (row.grade, row.disposition) == ("D", new_disposition) and row.override["by"] == "B2001"
        assert row.override["original"]["disposition"] == item.disposition
    label = load("label", _newest(desk.db, item.id, "label").payload)
    slip = load("slip", _newest(desk.db, item.id, "slip").payload)
    assert isinstance(label, LabelDoc) and label.headline.startswith("D · ")
    assert isinstance(slip, SlipDoc) and slip.disposition.endswith("OVERRIDE")
    clock.at += timedelta(minutes=1)
    with desk.db.unit_of_work() as uow:  # a reprint at the station carries the new decision
        again = print_queue.reprint(uow, desk.ctx, worker, _newest(desk.db, item.id, "label").id, "label torn")
    reprinted = load("label", _newest(desk.db, item.id, "label").payload)
    assert again.item_id == item.id and isinstance(reprinted, LabelDoc) and reprinted.headline.startswith("D · ")
    assert sync_once(desk.db, central, "D01", ctx=desk.ctx).items.taken == []  # taken once
    assert_central_equals_station(desk.db, central, "an override made centrally came down")
    with central.unit_of_work() as uow:
        assert uow.session.scalars(select(SyncConflict)).first() is None


def test_a_resolution_made_centrally_comes_down(central, tmp_path, configuration, clock):
    desk, office, supervisor = _setup(central, tmp_path, configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    unknown = desk.start_intake(worker, desk.classify("0000000000000"))
    assert isinstance(unknown, UnknownProduct)
    draft = desk.start_unknown_intake(worker, unknown.scan, "grey kettle", "small_appliances")
    held = desk.finalize(worker, answer_all(desk, draft).id)
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    clock.at += timedelta(minutes=1)
    with central.unit_of_work() as uow:
        resolve(uow, office, supervisor, held.id, "release", "cracked lid, sell as parts", disposition="liquidate")
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    with desk.db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, held.id)
        assert row.disposition == "liquidate" and row.exception_resolved_by == supervisor.id
    assert load("label", _newest(desk.db, held.id, "label").payload).headline.endswith("LIQUIDATE")
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    assert_central_equals_station(desk.db, central, "a resolution made centrally came down")


def test_a_central_override_meeting_a_local_change_follows_the_conflict_rule(central, tmp_path, configuration,
                                                                               clock):
    desk, office, supervisor = _setup(central, tmp_path, configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    item = grade(desk, worker, plain_gtins(desk.db, 1)[0])
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    clock.at += timedelta(minutes=1)
    tote = desk.tote_of_item(item.id)
    assert tote is not None
    desk.confirm_tote(worker, item.id, tote.code)  # a local change waiting in the outbox
    with central.unit_of_work() as uow:
        override(uow, office, supervisor, item.id, grade="D", disposition="liquidate", reason="other",
                 note="water inside", policy=POLICY)
    report = sync_once(desk.db, central, "D01", ctx=desk.ctx)
    assert report.items is not None and report.items.left_to_push == 1 and len(report.pushed.conflicts) == 1
    with desk.db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert (row.grade, row.disposition) == ("D", "liquidate")
        assert uow.session.scalars(select(SyncConflict)).first() is not None
    assert load("label", _newest(desk.db, item.id, "label").payload).headline.startswith("D · ")
    sync_once(desk.db, central, "D01", ctx=desk.ctx)
    assert_central_equals_station(desk.db, central, "a central override met a local change")
