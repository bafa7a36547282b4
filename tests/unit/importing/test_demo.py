"""The demo master data loads through the importers, is realistic enough, and loading it twice is a no-op."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Operator, Product, Rma
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.domain.vocab import CATEGORIES
from app.security import verify_pin


def test_demo_loader_counts(idb: Database) -> None:
    summary = load_demo_master_data(idb)
    assert summary.products >= 200
    assert summary.categories >= 4
    assert summary.rmas >= 50
    assert summary.operators == 3
    assert [r.file for r in summary.reports] == ["catalog.csv", "rmas.csv", "operators.csv"]
    assert all(not r.skipped for r in summary.reports)
    assert "products" in str(summary)


def test_demo_data_content(idb: Database) -> None:
    load_demo_master_data(idb)
    with idb.unit_of_work() as uow:
        session = uow.session
        products = list(session.scalars(select(Product)))
        assert {p.category for p in products} == set(CATEGORIES)
        assert all(p.gtin is None or len(p.gtin) == 14 for p in products)
        assert any(p.hazmat for p in products) and any(p.data_bearing for p in products)
        assert any(p.vendor_rtv and p.warranty_days in (365, 730) for p in products)
        assert any("^XA" in p.description for p in products)
        assert any(p.description.startswith("=HYPERLINK(") for p in products)
        by_sku = {p.sku: p for p in products}
        for rma in session.scalars(select(Rma)):
            assert rma.rma_number.startswith("RMA") and len(rma.rma_number) == 9
            assert 1 <= len(rma.lines) <= 3
            for line in rma.lines:
                assert (line.expected_serial is not None) == by_sku[line.sku].serialized
        pins = {o.badge: o.pin_hash for o in session.scalars(select(Operator))}
        assert verify_pin("1111", pins["B1001"] or "") and verify_pin("9999", pins["B9001"] or "")


def test_loading_twice_changes_nothing(idb: Database) -> None:
    load_demo_master_data(idb)
    second = load_demo_master_data(idb)
    assert all(r.inserted == 0 and r.updated == 0 for r in second.reports)
