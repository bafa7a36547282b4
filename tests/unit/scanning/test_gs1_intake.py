"""GS1 data feeds intake: AI 21 and AI 10 are compared with the RMA line, AI 17 is stored and can drive
the rules (an expired unit is destroyed, not resold)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db.models import Product, Rma, RmaLine
from tests.helpers import answer_all


def plain_line(db, lot: str | None):
    """An RMA line of a non-serialized product, given an expected lot: (rma number, GTIN-14)."""
    with db.unit_of_work() as uow:
        line, product = uow.session.execute(
            select(RmaLine, Product).join(Product, Product.sku == RmaLine.sku)
            .where(Product.serialized.is_(False), Product.gtin.is_not(None), RmaLine.qty == 1)
            .order_by(RmaLine.id)
        ).first()
        line.expected_lot = lot
        rma = uow.session.get(Rma, line.rma_id)
        return rma.rma_number, product.gtin


def gs1(gtin: str, lot: str, expiry: str) -> str:
    return f"]C101{gtin}17{expiry}10{lot}"


def test_lot_from_the_barcode_is_compared_with_the_rma(desk, worker, db):
    rma, gtin = plain_line(db, "L2405A")
    same = desk.start_intake(worker, desk.classify(gs1(gtin, "L2405A", "301231")), rma)
    assert same.lot == "L2405A" and "lot_mismatch" not in same.flags
    desk.cancel_draft(worker, same.id)
    other = desk.start_intake(worker, desk.classify(gs1(gtin, "L9999Z", "301231")), rma)
    assert "lot_mismatch" in other.flags


def test_expired_unit_is_flagged_and_rules_destroy_it(desk, worker, db):
    rma, gtin = plain_line(db, None)
    item = desk.start_intake(worker, desk.classify(gs1(gtin, "L1", "250131")), rma)
    assert item.expiry == date(2025, 1, 31)
    assert "expired" in item.flags
    decision = desk.preview(answer_all(desk, item).id)
    assert decision.disposition.disposition == "destroy"
    assert [r.id for r in decision.disposition.fired] == ["expired"]


def test_fresh_unit_is_not_expired(desk, worker, db):
    rma, gtin = plain_line(db, None)
    item = desk.start_intake(worker, desk.classify(gs1(gtin, "L1", "301231")), rma)
    assert "expired" not in item.flags


def test_serial_from_the_barcode_is_compared_with_the_rma(desk, worker, db):
    from tests.helpers import rma_line_with_serial

    rma, gtin, expected = rma_line_with_serial(db)
    item = desk.start_intake(worker, desk.classify(f"]d201{gtin}21WRONG-SN"), rma)
    assert item.serial == "WRONG-SN" and "serial_mismatch" in item.flags
    desk.cancel_draft(worker, item.id)
    item = desk.start_intake(worker, desk.classify(f"]d201{gtin}21{expected}"), rma)
    assert item.serial == expected and "serial_mismatch" not in item.flags
