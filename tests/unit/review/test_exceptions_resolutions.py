"""Resolutions of held items: each action, its checks, the audit, version, reprint and tote move, and the
queue emptied by working it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Container, ReturnItem
from app.errors import InvalidState, NotFound, PermissionDenied
from app.review.exceptions import open_exceptions
from app.review.resolutions import preview_identify, resolve
from tests.unit.review.exceptions_helpers import graded, newest_docs, product_by_value, unknown_item


def _resolve(desk, operator, item_id, action, note="checked by hand", **kwargs):
    with desk.db.unit_of_work() as uow:
        return resolve(uow, desk.ctx, operator, item_id, action, note, **kwargs)


def _row(db, item_id):
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item_id)
        uow.session.expunge(row)
        return row


def _set(db, item_id, **values):
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item_id)
        for name, value in values.items():
            setattr(row, name, value)


def test_identify_previews_then_runs_the_rules_again(desk, worker, supervisor, db):
    held = unknown_item(desk, worker)
    assert held.disposition == "quarantine"
    cheap = product_by_value(db, below_cents=5_000)
    with db.unit_of_work() as uow:
        preview = preview_identify(uow, desk.ctx, held.id, cheap.sku)
    assert _row(db, held.id).product_id is None  # a preview writes nothing
    assert preview.disposition.fired[0].id != "unknown_item"
    version = _row(db, held.id).version
    done = _resolve(desk, supervisor, held.id, "identify", sku=cheap.sku, note="it is the kettle from the catalog")
    assert done.product is not None and done.product.sku == cheap.sku
    assert done.disposition == preview.disposition.disposition.value and done.grade == preview.grade.grade.value
    row = _row(db, held.id)
    assert "unknown_item" not in row.flags and row.version == version + 1
    assert row.exception_resolved_by == supervisor.id and row.exception_resolved_at is not None
    assert row.disposition_rules[-1]["id"] == "supervisor_resolution"
    assert "Identify by Sam Supervisor" in row.disposition_rules[-1]["why"]
    with db.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "exception_resolved")).one()
        assert event.before["disposition"] == "quarantine" and event.after["disposition"] == done.disposition
        assert event.operator_id == supervisor.id and "kettle from the catalog" in event.detail
        assert uow.session.get(Container, row.container_id).disposition == done.disposition
    label, slip, _jobs = newest_docs(db, held.id)
    assert label.details == f"SKU {cheap.sku}" and slip.reasons[-1].startswith("Identify by")
    with db.unit_of_work() as uow:
        assert open_exceptions(uow) == []


def test_identify_as_a_valuable_product_without_rma_keeps_it_held_for_that(desk, worker, supervisor, db):
    held = unknown_item(desk, worker)
    valuable = product_by_value(db, above_cents=10_000)
    _resolve(desk, supervisor, held.id, "identify", sku=valuable.sku)
    with db.unit_of_work() as uow:
        (row,) = open_exceptions(uow)
    assert row.cause == "no_rma_high_value" and row.resolutions[0] == "authorise"
    done = _resolve(desk, supervisor, held.id, "authorise", note="customer service approved the return")
    assert done.disposition != "quarantine"
    with db.unit_of_work() as uow:
        assert open_exceptions(uow) == []


def test_accept_a_serial_mismatch_reruns_the_rules_without_holding_it(desk, worker, supervisor, db):
    item = graded(desk, worker, product_by_value(db, below_cents=5_000))
    _set(db, item.id, flags=[*item.flags, "serial_mismatch"], found_reasons=["serial_mismatch"],
         disposition="quarantine", exception_cause="serial_mismatch")
    done = _resolve(desk, supervisor, item.id, "accept", note="customer sent the twin unit, same order")
    assert done.disposition == item.disposition  # what the rules decide when the mismatch is accepted
    row = _row(db, item.id)
    assert "serial_mismatch" in row.flags  # the fact stays on the record
    assert row.exception_resolved_at is not None


def test_send_and_release_pick_the_disposition(desk, worker, supervisor, db):
    first, second = unknown_item(desk, worker), unknown_item(desk, worker, code="0000000000017")
    with pytest.raises(InvalidState, match="rtv .* or destroy"):
        _resolve(desk, supervisor, first.id, "send", disposition="restock")
    assert _resolve(desk, supervisor, first.id, "send", disposition="destroy").disposition == "destroy"
    with pytest.raises(InvalidState, match="Pick the disposition to release"):
        _resolve(desk, supervisor, second.id, "release", disposition="quarantine")
    assert _resolve(desk, supervisor, second.id, "release", disposition="liquidate").disposition == "liquidate"
    tote_ids = [_row(db, i.id).container_id for i in (first, second)]
    with db.unit_of_work() as uow:
        assert open_exceptions(uow) == []
        codes = {uow.session.get(Container, tote_id).disposition for tote_id in tote_ids}
    assert codes == {"destroy", "liquidate"}


def test_refusals_say_what_to_do(desk, worker, supervisor, db):
    held = unknown_item(desk, worker)
    with pytest.raises(PermissionDenied, match="Only a supervisor can resolve"):
        _resolve(desk, worker, held.id, "release", disposition="recycle")
    with pytest.raises(InvalidState, match="Resolve it with identify or send or release, not 'authorise'"):
        _resolve(desk, supervisor, held.id, "authorise")
    with pytest.raises(InvalidState, match="Write a short note"):
        _resolve(desk, supervisor, held.id, "release", note=" ", disposition="recycle")
    with pytest.raises(InvalidState, match="Pick the SKU"):
        _resolve(desk, supervisor, held.id, "identify")
    with pytest.raises(NotFound, match="No product has the SKU"):
        _resolve(desk, supervisor, held.id, "identify", sku="NOPE-1")
    fine = graded(desk, worker, product_by_value(db, below_cents=5_000))
    with pytest.raises(InvalidState, match="not waiting in the exceptions queue"):
        _resolve(desk, supervisor, fine.id, "release", disposition="recycle")
    _set(db, held.id, exception_cause="recalled")
    with pytest.raises(InvalidState, match="with send, not 'release'"):
        _resolve(desk, supervisor, held.id, "release", disposition="restock")


def test_identify_as_a_recalled_product_holds_it_as_recalled(desk, worker, supervisor, db):
    """Intake could not check recalls on an unknown barcode: identifying it checks them, as intake would."""
    from app.db.models import Recall

    held = unknown_item(desk, worker)
    recalled = product_by_value(db, below_cents=5000)
    with db.unit_of_work() as uow:
        uow.session.add(Recall(gtin=recalled.gtin, reference="CPSC 27-014", notice="overheats"))
    with db.unit_of_work() as uow:
        assert preview_identify(uow, desk.ctx, held.id, recalled.sku).disposition.disposition.value == "quarantine"
    _resolve(desk, supervisor, held.id, "identify", sku=recalled.sku)
    with db.unit_of_work() as uow:
        (row,) = open_exceptions(uow)
    assert (row.cause, row.recall_ref) == ("recalled", "CPSC 27-014")
