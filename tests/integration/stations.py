"""Stations in station mode for the sync tests: an empty SQLite file, the outbox on, master data pulled."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.db import migrate
from app.db.models import Product, ReturnItem
from app.db.uow import Database
from app.domain.rules_check import Configuration
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.desk import Desk
from app.services.finalize import next_lpn
from app.services.views import ItemView, OperatorView
from app.sync.outbox import enable_outbox
from app.sync.pull import pull_once
from tests.conftest import DEMO_TODAY, MutableClock
from tests.helpers import answer_all


def new_station(tmp_path: Path, central: Database, station_id: str, configuration: Configuration,
                clock: MutableClock) -> Desk:
    tmp_path.mkdir(parents=True, exist_ok=True)  # the station's own folder (a missing one is refused)
    local = Database(f"sqlite:///{tmp_path / f'{station_id}.db'}")
    migrate.upgrade(local)
    enable_outbox(local)
    pull_once(local, central)
    return Desk(local, StationContext(station_id, configuration, clock=clock, local_today=lambda: DEMO_TODAY))


def plain_gtins(db: Database, count: int) -> list[str]:
    with db.unit_of_work() as uow:
        gtins = uow.session.scalars(
            select(Product.gtin).where(Product.serialized.is_(False), Product.gtin.is_not(None))
            .order_by(Product.id).limit(count)
        ).all()
    assert len(gtins) == count
    return [str(g) for g in gtins]


def grade(desk: Desk, operator: OperatorView, gtin: str) -> ItemView:
    """The real station flow: scan, answer every question, finalize."""
    item = desk.start_intake(operator, desk.classify(gtin))
    assert isinstance(item, ItemView)
    return desk.finalize(operator, answer_all(desk, item).id)


def bulk_final_items(desk: Desk, operator: OperatorView, count: int, clock: MutableClock) -> list[uuid.UUID]:
    """A day of work, fast: final records with their LPN and audit event, written through the ORM (outbox on)."""
    product_gtin = plain_gtins(desk.db, 1)[0]
    with desk.db.unit_of_work() as uow:
        product = uow.session.scalars(select(Product).where(Product.gtin == product_gtin)).one()
        ids = []
        for _ in range(count):
            clock.at += timedelta(seconds=30)
            row = ReturnItem(
                id=uuid.uuid4(), lpn=next_lpn(uow, desk.ctx.station_id), station_id=desk.ctx.station_id,
                operator_id=operator.id, scanned_code=product_gtin, product_id=product.id,
                category=product.category, checklist_id="general", checklist_version=1,
                answers={"sealed": "yes"}, answer_order=["sealed"], grade="A", disposition="restock", score=100,
                status="final", created_at=clock.at, updated_at=clock.at, finalized_at=clock.at, version=2,
            )
            uow.session.add(row)
            uow.session.flush()
            record_event(uow, desk.ctx, operator.id, "finalized", row.id, detail=row.lpn or "",
                         after={"lpn": row.lpn, "grade": "A", "disposition": "restock"})
            ids.append(row.id)
    return ids
