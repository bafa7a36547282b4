"""Held items made by the real station flow, for the exceptions, resolutions and overrides tests."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import PrintJob, Product
from app.db.uow import Database
from app.printing.documents import LabelDoc, SlipDoc, load
from app.services.desk import Desk
from app.services.intake import UnknownProduct
from app.services.views import ItemView, OperatorView
from tests.helpers import answer_all


def unknown_item(desk: Desk, worker: OperatorView, code: str = "0000000000000",
                 category: str = "small_appliances") -> ItemView:
    result = desk.start_intake(worker, desk.classify(code))
    assert isinstance(result, UnknownProduct)
    item = desk.start_unknown_intake(worker, result.scan, "blue kettle, no box", category)
    return desk.finalize(worker, answer_all(desk, item).id)


def graded(desk: Desk, worker: OperatorView, product: Product, rma: str | None = None) -> ItemView:
    assert product.gtin is not None
    item = desk.start_intake(worker, desk.classify(product.gtin), rma)
    assert isinstance(item, ItemView)
    return desk.finalize(worker, answer_all(desk, item).id)


def product_by_value(db: Database, above_cents: int | None = None, below_cents: int | None = None,
                     **filters: object) -> Product:
    with db.unit_of_work() as uow:
        query = select(Product).where(Product.gtin.is_not(None), Product.serialized.is_(False),
                                      Product.hazmat.is_(False)).order_by(Product.unit_value_cents.desc())
        if above_cents is not None:
            query = query.where(Product.unit_value_cents > above_cents)
        if below_cents is not None:
            query = query.where(Product.unit_value_cents <= below_cents)
        for name, value in filters.items():
            query = query.where(getattr(Product, name) == value)
        product = uow.session.scalars(query).first()
        assert product is not None, f"no demo product above {above_cents} / below {below_cents} with {filters}"
        uow.session.expunge(product)
        return product


def newest_docs(db: Database, item_id: object) -> tuple[LabelDoc, SlipDoc, list[PrintJob]]:
    """The item's newest relabel and slip documents, and all its jobs (oldest first)."""
    with db.unit_of_work() as uow:
        jobs = list(uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item_id)
                                        .order_by(PrintJob.created_at, PrintJob.kind)))
        for job in jobs:
            uow.session.expunge(job)
    label = next(load("label", j.payload) for j in reversed(jobs) if j.kind == "label")
    slip = next(load("slip", j.payload) for j in reversed(jobs) if j.kind == "slip")
    assert isinstance(label, LabelDoc) and isinstance(slip, SlipDoc)
    return label, slip, jobs
