"""The exceptions queue: causes decided at finalize (pure rule and stored), open items oldest first, the
actions each cause allows, and counts equal to the board's."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

import pytest

from app.db.models import ReturnItem
from app.domain.exceptions import CAUSE_LABELS, ExceptionCause, exception_cause, resolutions_for
from app.review.exceptions import exception_counts, open_exceptions
from tests.unit.review.exceptions_helpers import graded, product_by_value, unknown_item


@pytest.mark.parametrize(("flags", "reasons", "rules", "disposition", "expected"), [
    (["unknown_item"], [], ["unknown_item"], "quarantine", ExceptionCause.UNKNOWN_ITEM),
    (["serial_mismatch"], ["serial_mismatch"], ["serial_mismatch"], "quarantine", ExceptionCause.SERIAL_MISMATCH),
    (["lot_mismatch"], [], ["open_box"], "open_box", ExceptionCause.LOT_MISMATCH),
    (["no_rma"], [], ["no_rma_valuable"], "quarantine", ExceptionCause.NO_RMA_HIGH_VALUE),
    (["no_rma"], [], ["open_box"], "open_box", None),  # cheap, no RMA: goes its way
    ([], ["recalled"], ["recalled"], "quarantine", ExceptionCause.RECALLED),
    (["hazardous"], ["hazardous"], ["hazardous"], "recycle", ExceptionCause.HAZARDOUS),
    (["expired"], [], ["expired"], "destroy", ExceptionCause.EXPIRED),
    ([], [], ["default"], "quarantine", ExceptionCause.NO_RULE),
    (["worker_flagged"], [], ["open_box"], "open_box", ExceptionCause.WORKER_FLAGGED),
    (["sku_mismatch"], [], ["wrong_item"], "quarantine", ExceptionCause.WRONG_ITEM),
    ([], [], ["sealed_restock"], "restock", None),
    # priority: a recalled unit with a serial mismatch and no RMA is listed once, as recalled
    (["serial_mismatch", "no_rma"], ["recalled"], ["recalled"], "quarantine", ExceptionCause.RECALLED),
    (["unknown_item", "no_rma"], [], ["unknown_item"], "quarantine", ExceptionCause.UNKNOWN_ITEM),
])
def test_exception_cause_by_priority(flags, reasons, rules, disposition, expected):
    assert exception_cause(flags, reasons, rules, disposition) == expected


def test_the_default_rule_is_named_by_the_site():
    assert exception_cause([], [], ["catch_all"], "quarantine", default_rule_id="catch_all") is ExceptionCause.NO_RULE
    assert exception_cause([], [], ["default"], "quarantine", default_rule_id="catch_all") is None


def test_every_cause_has_words_and_at_least_one_resolution():
    for cause in ExceptionCause:
        assert CAUSE_LABELS[cause]
        assert resolutions_for(cause.value)
    assert [r.value for r in resolutions_for("recalled")] == ["send"]  # never released to resale
    assert resolutions_for(None) == ()


def test_finalize_stores_the_cause_and_the_queue_lists_held_items_oldest_first(desk, worker, clock, db):
    cheap = product_by_value(db, below_cents=5000)
    valuable = product_by_value(db, above_cents=10000)
    first = unknown_item(desk, worker)
    clock.at += timedelta(minutes=5)
    second = graded(desk, worker, valuable)  # no RMA, worth over $100: quarantined by no_rma_valuable
    clock.at += timedelta(minutes=5)
    fine = graded(desk, worker, cheap)
    with db.unit_of_work() as uow:
        causes = {i.id: uow.session.get(ReturnItem, i.id).exception_cause for i in (first, second, fine)}
        queue = open_exceptions(uow)
        counts = exception_counts(uow)
        d02 = open_exceptions(uow, station="D02")
    assert causes == {first.id: "unknown_item", second.id: "no_rma_high_value", fine.id: None}
    assert [r.item_id for r in queue] == [first.id, second.id]
    assert queue[0].cause_label == CAUSE_LABELS[ExceptionCause.UNKNOWN_ITEM]
    assert queue[0].description == "blue kettle, no box" and queue[0].unit_value_cents == 0
    assert queue[0].resolutions == ("identify", "send", "release")
    assert queue[1].resolutions[0] == "authorise" and queue[1].unit_value_cents == valuable.unit_value_cents
    assert queue[1].since < fine.finalized_at and queue[1].lpn == second.lpn
    assert queue[1].to_json()["cause"] == "no_rma_high_value"
    assert counts == {"unknown_item": 1, "no_rma_high_value": 1}
    assert d02 == []


def test_voided_and_resolved_items_leave_the_queue(desk, worker, supervisor, clock, db):
    held = unknown_item(desk, worker)
    other = unknown_item(desk, worker, code="0000000000017")
    desk.void_item(supervisor, held.id, "wrong_item_scanned")
    with db.unit_of_work() as uow:
        uow.session.get(ReturnItem, other.id).exception_resolved_at = clock.now()
    with db.unit_of_work() as uow:
        assert open_exceptions(uow) == []
        assert exception_counts(uow) == {}


@pytest.mark.skipif(importlib.util.find_spec("app.review.board") is None, reason="board.py not built yet")
def test_queue_counts_equal_the_boards(desk, worker, clock, db):
    from app.review.board import open_exception_counts  # type: ignore[attr-defined, unused-ignore]

    unknown_item(desk, worker)
    graded(desk, worker, product_by_value(db, above_cents=10000))
    held = unknown_item(desk, worker, code="0000000000017")
    desk.void_item(desk.sign_in("B2001", "2222"), held.id, "wrong_item_scanned")
    with db.unit_of_work() as uow:
        queue = open_exceptions(uow)
        by_cause: dict[str, int] = {}
        for row in queue:
            by_cause[row.cause] = by_cause.get(row.cause, 0) + 1
        assert open_exception_counts(uow) == by_cause == exception_counts(uow)
        assert open_exception_counts(uow, station="D01") == by_cause
