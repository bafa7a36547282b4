"""Push and pull round trip on PostgreSQL and MariaDB, with the real station services writing the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from app.db.models import AuditEvent, Container, OutboxEntry, PrintJob, Product, ReturnItem, SyncApplied
from app.demo import load_demo_master_data
from app.sync.pull import pull_once
from app.sync.push import count_waiting, push_once
from app.sync.runner import read_status, sync_once
from tests.integration.stations import grade, new_station, plain_gtins


def count(db, model, *where):
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def test_push_and_pull_round_trip(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    for model in (Product,):
        assert count(desk.db, model) == count(central, model) > 0  # the catalog came down with its ids

    worker = desk.sign_in("B1001", "1111")  # operators and PIN hashes came down too
    items = [grade(desk, worker, gtin) for gtin in plain_gtins(desk.db, 3)]
    desk.void_item(worker, items[0].id, "wrong_answer")
    assert count_waiting(desk.db) > 0

    report = sync_once(desk.db, central, "D01")
    assert report.pushed.sent > 0 and not report.pushed.conflicts
    assert count_waiting(desk.db) == 0

    with central.unit_of_work() as uow:
        rows = {r.id: r for r in uow.session.scalars(select(ReturnItem))}
        assert set(rows) == {i.id for i in items}  # drafts were never pushed, finals all were
        assert rows[items[0].id].status == "voided"
        assert {r.lpn for r in rows.values()} == {i.lpn for i in items}
    local_events = count(desk.db, AuditEvent)
    assert count(central, AuditEvent) == local_events
    assert count(central, PrintJob) == count(desk.db, PrintJob) > 0  # print history (labels, slips) went up
    with central.unit_of_work() as uow, desk.db.unit_of_work() as here:
        sent = {j.id: j.payload for j in uow.session.scalars(select(PrintJob))}
        assert sent == {j.id: j.payload for j in here.session.scalars(select(PrintJob))}

    # Totes: the item's tote is matched by its barcode centrally; confirming it later is an update.
    totes = desk
    tote = totes.tote_of_item(items[1].id)
    assert tote is not None
    totes.confirm_tote(worker, items[1].id, tote.code)
    sync_once(desk.db, central, "D01")
    with central.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, items[1].id)
        assert row.tote_confirmed_at is not None
        assert uow.session.get(Container, row.container_id).code == tote.code
    local_events = count(desk.db, AuditEvent)

    # A second round sends nothing and changes nothing.
    again = sync_once(desk.db, central, "D01")
    assert again.pushed.sent == 0
    assert count(central, AuditEvent) == local_events
    assert read_status(desk.db).waiting == 0 and read_status(desk.db).last_error is None


def test_replayed_batch_is_harmless(central, tmp_path, configuration, clock):
    """The station sent a batch, the server applied it, the answer was lost: sending it again changes nothing."""
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    worker = desk.sign_in("B1001", "1111")
    for gtin in plain_gtins(desk.db, 2):
        grade(desk, worker, gtin)
    sent = push_once(desk.db, central, "D01").sent
    before = (count(central, ReturnItem), count(central, AuditEvent), count(central, SyncApplied))
    with desk.db.engine.begin() as conn:  # forget that it was sent
        conn.execute(update(OutboxEntry).values(sent_at=None))
    result = push_once(desk.db, central, "D01")
    assert result.sent == sent and result.replayed == sent
    assert (count(central, ReturnItem), count(central, AuditEvent), count(central, SyncApplied)) == before


def test_pull_brings_only_the_delta_and_works_offline_after(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with central.engine.begin() as conn:  # the catalog was imported a while ago
        conn.execute(update(Product.__table__).values(updated_at=an_hour_ago))
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    assert count(desk.db, Product) == count(central, Product)
    assert pull_once(desk.db, central).rows["product"] == 0  # nothing changed since
    with central.unit_of_work() as uow:
        product = uow.session.scalars(select(Product).order_by(Product.id)).first()
        product.description = "Kettle, steel, 1.7 l (new text)"  # onupdate stamps updated_at
        changed_id = product.id
    assert pull_once(desk.db, central).rows["product"] == 1
    with desk.db.unit_of_work() as uow:
        assert uow.session.get(Product, changed_id).description == "Kettle, steel, 1.7 l (new text)"

    # The central database goes away: the station still finds what it last pulled and keeps working.
    central.dispose()
    worker = desk.sign_in("B1001", "1111")
    item = grade(desk, worker, plain_gtins(desk.db, 1)[0])
    assert item.lpn.startswith("LP-D01-")
