"""Test helpers that find realistic demo records, drive a checklist to the end and copy SQLite files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from app import security
from app.db.models import Product, Rma, RmaLine
from app.db.uow import Database
from app.domain import checklist as cl
from app.scanning.classify import Scan
from app.services.desk import Desk
from app.services.intake import template_of
from app.services.views import ItemView


def product_where(db: Database, **filters: object) -> Product:
    with db.unit_of_work() as uow:
        query = select(Product).order_by(Product.id)
        for name, value in filters.items():
            query = query.where(getattr(Product, name) == value)
        product = uow.session.scalars(query).first()
        assert product is not None, f"demo data has no product with {filters}"
        uow.session.expunge(product)
        return product


def rma_line_with_serial(db: Database) -> tuple[str, str, str]:
    """(rma number, product GTIN, expected serial) of a serialized demo RMA line."""
    with db.unit_of_work() as uow:
        row = uow.session.execute(
            select(Rma.rma_number, Product.gtin, RmaLine.expected_serial)
            .join(RmaLine, RmaLine.rma_id == Rma.id)
            .join(Product, Product.sku == RmaLine.sku)
            .where(RmaLine.expected_serial.is_not(None), Product.gtin.is_not(None))
            .order_by(Rma.id)
        ).first()
        assert row is not None
        return str(row[0]), str(row[1]), str(row[2])


def rma_line_plain(db: Database) -> tuple[str, str]:
    """(rma number, product GTIN) of a demo RMA line for a product without serial numbers."""
    with db.unit_of_work() as uow:
        row = uow.session.execute(
            select(Rma.rma_number, Product.gtin)
            .join(RmaLine, RmaLine.rma_id == Rma.id)
            .join(Product, Product.sku == RmaLine.sku)
            .where(Product.serialized.is_(False), Product.gtin.is_not(None), RmaLine.qty == 1)
            .order_by(Rma.id)
        ).first()
        assert row is not None
        return str(row[0]), str(row[1])


def scan(desk: Desk, code: str) -> Scan:
    return desk.classify(code)


def answer_all(desk: Desk, item: ItemView, pick: int = 1) -> ItemView:
    """Answer every remaining question with option `pick` (numbers: the maximum)."""
    template = template_of(desk.ctx, item)
    while (question := cl.next_question(template, item.answers)) is not None:
        if question.kind == "number":
            raw = f"{question.maximum if question.maximum is not None else 100:g}"
        else:
            raw = str(question.options[min(pick, len(question.options)) - 1].key)
        item = desk.answer(item.id, question.id, raw)
    return item


def quick_pins(patch: pytest.MonkeyPatch) -> None:
    """PINs hashed from now on use scrypt n=2**4, not 2**14 (~60 ms a hash or sign-in). Still real scrypt hashes:
    sign-in runs the same verify_pin, which reads n from the stored hash. app.security's tests keep 2**14."""
    patch.setattr(security, "_N", 2**4)


def copy_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file, pages still in its WAL included (the backup API, not a file copy)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def gtin_where(db: Database, **filters: object) -> str:
    """The GTIN of the first demo product matching `filters` (one that has a GTIN)."""
    gtin = product_where(db, **filters).gtin
    assert gtin is not None, f"the first demo product with {filters} has no GTIN"
    return gtin
