"""Every intake is checked against the active recalls: GS1 lots and serials inside a range are flagged
`recalled` with the notice's reference and quarantined by the rules; outside a range, nothing changes."""

from __future__ import annotations

from datetime import date

from app.db.models import Recall, ReturnItem
from app.db.uow import Database
from app.services.desk import Desk
from app.services.views import ItemView, OperatorView
from app.station.card import item_card
from tests.helpers import answer_all, product_where, rma_line_plain, rma_line_with_serial

REF = "CPSC 27-014"


def add_recall(db: Database, gtin: str, **ranges: object) -> None:
    with db.unit_of_work() as uow:
        uow.session.add(Recall(gtin=gtin, reference=str(ranges.pop("reference", REF)), notice="Overheats", **ranges))


def stored_ref(db: Database, item: ItemView) -> str | None:
    with db.unit_of_work() as uow:
        return uow.session.get(ReturnItem, item.id).recall_ref  # type: ignore[union-attr]


def gs1_lot(gtin: str, lot: str) -> str:
    return f"]C101{gtin}1730123110{lot}"


def test_lot_inside_the_range_is_recalled_and_quarantined(desk: Desk, worker: OperatorView, db: Database) -> None:
    rma, gtin = rma_line_plain(db)
    add_recall(db, gtin, lot_from="L2405A", lot_to="L2410Z")
    item = desk.start_intake(worker, desk.classify(gs1_lot(gtin, "L2407C")), rma)
    assert isinstance(item, ItemView)
    assert "recalled" in item.flags and "recall_unverified" not in item.flags
    assert "recalled" in item.found_reasons
    assert stored_ref(db, item) == REF
    decision = desk.preview(answer_all(desk, item).id)
    assert decision.disposition.disposition == "quarantine"
    assert [r.id for r in decision.disposition.fired] == ["recalled"]
    final = desk.finalize(worker, item.id)
    assert "recalled" in final.flags and stored_ref(db, final) == REF
    chip = next(c for c in item_card(final, date(2026, 11, 20)).flags if c.text.startswith("RECALLED"))
    assert chip.serious  # red on the card


def test_lots_outside_the_range_are_not_recalled(desk: Desk, worker: OperatorView, db: Database) -> None:
    rma, gtin = rma_line_plain(db)
    add_recall(db, gtin, lot_from="L2405A", lot_to="L2410Z")
    for lot in ("L2404Z", "L2411A", "L100"):  # before, after, and after in natural order (not text order)
        item = desk.start_intake(worker, desk.classify(gs1_lot(gtin, lot)), rma)
        assert isinstance(item, ItemView)
        assert "recalled" not in item.flags and "recalled" not in item.found_reasons, lot
        assert stored_ref(db, item) is None
        desk.cancel_draft(worker, item.id)


def test_range_ends_are_inside(desk: Desk, worker: OperatorView, db: Database) -> None:
    rma, gtin = rma_line_plain(db)
    add_recall(db, gtin, lot_from="L2405A", lot_to="L2410Z")
    for lot in ("L2405A", "L2410Z"):
        item = desk.start_intake(worker, desk.classify(gs1_lot(gtin, lot)), rma)
        assert isinstance(item, ItemView) and "recalled" in item.flags, lot
        desk.cancel_draft(worker, item.id)


def test_inactive_recall_and_other_gtin_are_ignored(desk: Desk, worker: OperatorView, db: Database) -> None:
    rma, gtin = rma_line_plain(db)
    add_recall(db, gtin, lot_from="L1", lot_to="L9", active=False)
    add_recall(db, "00000000000017", lot_from="L1", lot_to="L9")
    item = desk.start_intake(worker, desk.classify(gs1_lot(gtin, "L5")), rma)
    assert isinstance(item, ItemView) and "recalled" not in item.flags


def test_plain_barcode_without_lot_is_held_as_a_possible_recall(
    desk: Desk, worker: OperatorView, db: Database
) -> None:
    rma, gtin = rma_line_plain(db)
    add_recall(db, gtin, lot_from="L1", lot_to="L9")
    item = desk.start_intake(worker, desk.classify(gtin[1:]), rma)  # the EAN-13 alone: lot unknown
    assert isinstance(item, ItemView)
    assert {"recalled", "recall_unverified"} <= set(item.flags)
    chips = [c.text for c in item_card(item, date(2026, 11, 20)).flags]
    assert any(text.startswith("RECALLED?") for text in chips)


def test_serial_range_is_checked_when_the_serial_is_scanned(desk: Desk, worker: OperatorView, db: Database) -> None:
    rma, gtin, expected = rma_line_with_serial(db)
    add_recall(db, gtin, serial_from=expected, serial_to=expected, reference="RC-SN")
    item = desk.start_intake(worker, desk.classify(gtin[1:]), rma)
    assert isinstance(item, ItemView) and "recall_unverified" in item.flags  # serial not scanned yet
    item = desk.set_serial(item.id, expected)
    assert "recalled" in item.flags and "recall_unverified" not in item.flags
    assert stored_ref(db, item) == "RC-SN"
    desk.cancel_draft(worker, item.id)
    other = desk.start_intake(worker, desk.classify(f"]d201{gtin}21OTHER-SN"), rma)
    assert isinstance(other, ItemView) and "recalled" not in other.flags


def test_whole_gtin_recall_covers_every_unit(desk: Desk, worker: OperatorView, db: Database) -> None:
    product = product_where(db, serialized=False, hazmat=False)
    assert product.gtin
    add_recall(db, product.gtin)
    item = desk.start_intake(worker, desk.classify(product.gtin[1:]))
    assert isinstance(item, ItemView) and "recalled" in item.flags and "recall_unverified" not in item.flags
