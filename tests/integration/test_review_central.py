"""The board read from the real central engines (PostgreSQL, MariaDB): the same figures as SQLite for the same
rows (the hour buckets and aggregates are engine-specific SQL), and station mode falling back to this station's
own file with the banner when the link to central is cut, then reading central again once it is back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import migrate
from app.db.models import AuditEvent, Operator, Product
from app.db.uow import Database, UnitOfWork
from app.review.board import board_figures
from app.review.record import item_record
from app.review.search import ItemFilter, find_by_code, find_items
from app.review.source import ReviewSource, Scope
from app.sync.central import open_central
from tests.integration.tcp_proxy import CuttingProxy
from tests.unit.review.test_board import DAY, NOW, RATES, SHIFT, add_item

pytestmark = pytest.mark.slow


def seed(db: Database) -> None:
    """The same rows on any engine: two operators, two products, a day at three stations."""
    with db.unit_of_work() as uow:
        uow.session.add_all([Operator(id=1, badge="B1001", name="Dana Worker", role="worker"),
                             Operator(id=2, badge="B2001", name="Sam Supervisor", role="supervisor"),
                             Product(id=1, sku="EL-1", gtin="04260731021903", description="Phone",
                                     category="electronics", unit_value_cents=69900),
                             Product(id=2, sku="AP-1", gtin="04006381333931", description="Jacket",
                                     category="apparel", unit_value_cents=8900)])
    with db.unit_of_work() as uow:
        phone, jacket = uow.session.get(Product, 1), uow.session.get(Product, 2)
        _day(uow, phone, jacket)


def _day(uow: UnitOfWork, phone: Product | None, jacket: Product | None) -> None:
    for i in range(30):  # spread over the day, every station and both operators
        at = DAY + timedelta(minutes=31 * i + 7)
        add_item(uow, at=at, station=("D01", "D02", "D03")[i % 3], operator=1 + i % 2,
                 product=(phone, jacket, None)[i % 3], grade="ABCD"[i % 4],
                 disposition=("restock", "liquidate", "quarantine", "open_box")[i % 4],
                 cause=("no_rule", None, "unknown_item")[i % 3] if i % 2 else None, lpn=f"LP-D0{i % 3 + 1}-{i:07d}")
    add_item(uow, at=DAY - timedelta(hours=3), disposition="quarantine", cause="recalled", lpn="LP-D01-OLD",
             product=phone)
    add_item(uow, at=NOW - timedelta(minutes=4), status="voided", product=phone, lpn="LP-D01-VOID")
    uow.session.add(AuditEvent(at=NOW - timedelta(minutes=4), station_id="D01", operator_id=1, action="voided",
                               item_id=None))


def board_json(db: Database, station: str | None = None) -> dict[str, object]:
    with db.unit_of_work(read_only=True) as uow:
        return board_figures(uow, NOW, DAY, SHIFT, station=station, rates=RATES).to_json()


@pytest.fixture
def sqlite_twin(empty_db: Database) -> Database:
    seed(empty_db)
    return empty_db


def test_the_board_on_the_central_engine_equals_sqlite_for_the_same_rows(central: Database,
                                                                        sqlite_twin: Database) -> None:
    seed(central)
    on_central, on_sqlite = board_json(central), board_json(sqlite_twin)
    assert on_central == on_sqlite
    graded = on_central["graded"]
    assert isinstance(graded, dict) and graded["today"] == 30
    per_hour = on_central["per_hour"]
    assert isinstance(per_hour, list) and sum(h["count"] for h in per_hour) == 30
    assert per_hour[0] == {"hour_start": "2026-11-20T00:00:00+00:00", "count": 2}  # 00:07 and 00:38
    assert on_central["open_exceptions"] == {"no_rule": 5, "recalled": 1, "unknown_item": 5}
    assert board_json(central, "D02") == board_json(sqlite_twin, "D02")


def test_search_and_record_on_the_central_engine(central: Database, sqlite_twin: Database) -> None:
    seed(central)
    for db in (central, sqlite_twin):
        with db.unit_of_work(read_only=True) as uow:
            assert [r.lpn for r in find_items(uow, ItemFilter(text="04260731021903", limit=3))] == [
                "LP-D01-VOID", "LP-D01-0000027", "LP-D01-0000024"]
            assert len(find_items(uow, ItemFilter(open_exceptions=True, station="D03"))) == 5
            assert len(find_items(uow, ItemFilter(cause="no_rule"))) == 5
            found = find_by_code(uow, "lp-d02-0000004")
            assert found is not None


@pytest.fixture
def station_db(db_templates: object, tmp_path: Path) -> Iterator[Database]:
    station = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(station)
    with station.unit_of_work() as uow:
        uow.session.add(Operator(id=1, badge="B1001", name="Dana Worker", role="worker"))
    with station.unit_of_work() as uow:
        add_item(uow, at=NOW - timedelta(minutes=2), station="D01", operator=1, lpn="LP-D01-ONLYHERE")
    yield station
    station.dispose()


def test_station_mode_reads_central_and_falls_back_with_the_banner_when_the_link_is_cut(
        central: Database, station_db: Database) -> None:
    seed(central)
    url = make_url(central.url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 0)
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    ticks = [0.0]
    settings = Settings(station_id="D01", db=station_db.url, mode="station", central_db=through,
                        central_timeout_s=3)
    source = ReviewSource(station_db, settings, central=open_central(settings), clock=lambda: ticks[0])

    def graded(uow: UnitOfWork, scope: Scope) -> int:
        return board_figures(uow, NOW, DAY, SHIFT).graded_today

    try:
        assert source.read(graded) == (30, source.read(graded)[1])
        assert source.read(graded)[1].site
        assert source.writer_for("D02") is not station_db  # another station's item: central directly
        proxy.set_down(True)
        count, scope = source.read(graded)
        assert (count, scope.site) == (1, False)
        assert scope.banner is not None and scope.banner.startswith(
            "Central database unreachable: showing this station only (")
        with pytest.raises(Exception, match="only this station's items can be changed"):
            source.writer_for("D02")
        assert source.writer_for("D01") is station_db
        proxy.set_down(False)
        ticks[0] = 100.0  # past the pause before central is tried again
        count, scope = source.read(graded)
        assert (count, scope.site, scope.banner) == (30, True, None)
        with station_db.unit_of_work(read_only=True) as uow:
            here = find_by_code(uow, "LP-D01-ONLYHERE")
        assert here is not None

        def record(uow: UnitOfWork, scope: Scope) -> str:
            from app.services.context import StationContext
            from app.wiring import load_site_configuration

            ctx = StationContext("D01", load_site_configuration(settings))
            item = uow.session.scalar(select(Operator.id))  # any read works on central
            assert item is not None
            found = find_by_code(uow, "LP-D02-0000001")
            assert found is not None
            return item_record(uow, ctx, found, scope).sync

        assert source.read(record)[0] == "at the central database (version 1)"
    finally:
        source.close()
        proxy.close()


def test_uuid_ids_round_trip_on_the_engine(central: Database) -> None:
    seed(central)
    with central.unit_of_work(read_only=True) as uow:
        rows = find_items(uow, ItemFilter(limit=1))
    assert isinstance(rows[0].id, uuid.UUID)
