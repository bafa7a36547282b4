"""Finding items: by any code a person scans or types, by every filter, newest first; a scanned LPN or RMA."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import Rma, RmaLine
from app.db.uow import Database
from app.review.search import ItemFilter, find_by_code, find_items, local_midnight
from tests.helpers import product_where
from tests.unit.review.test_board import NOW, add_item, operator_id


@pytest.fixture
def items(db: Database) -> dict[str, object]:
    phone = product_where(db, category="electronics")
    kettle = product_where(db, category="small_appliances")
    worker, boss = operator_id(db, "B1001"), operator_id(db, "B2001")
    with db.unit_of_work() as uow:
        rma = uow.session.scalars(select(Rma).order_by(Rma.id)).first()
        assert rma is not None
        line = uow.session.scalars(select(RmaLine).where(RmaLine.rma_id == rma.id)).first()
        assert line is not None
        ids = {
            "phone": add_item(uow, at=NOW - timedelta(hours=1), product=phone, lpn="LP-D01-0000001",
                              serial="SN-ABC-1", operator=worker, flags=["serial_mismatch"], grade="B",
                              disposition_rules=[{"id": "open_box_b", "why": "B: open box"}]),
            "kettle": add_item(uow, at=NOW - timedelta(days=2), product=kettle, lpn="LP-D02-0000002", station="D02",
                               operator=boss, rma_number=rma.rma_number, rma_line_id=line.id, grade="C",
                               disposition="liquidate", flags=["no_rma_x"], cause="no_rule",
                               grade_rules=[{"id": "cap.no_rma_x", "why": "x"}]),
            "unknown": add_item(uow, at=NOW - timedelta(minutes=5), lpn="LP-D01-0000003",
                                unknown_description="blue kettle, no box", disposition="quarantine",
                                cause="unknown_item", override={"grade": "D", "original": {"grade": "A"}}),
            "draft": add_item(uow, at=None, status="draft", product=phone, lpn=None),
            "older_rma": add_item(uow, at=NOW - timedelta(days=5), product=kettle, lpn="LP-D02-0000004",
                                  station="D02", rma_number=rma.rma_number),
        }
        ids["rma"] = rma.rma_number
        ids["order"] = rma.order_number
        ids["sku"], ids["gtin"] = phone.sku, phone.gtin
    return ids


def lpns(db: Database, **kwargs: object) -> list[str | None]:
    with db.unit_of_work(read_only=True) as uow:
        return [r.lpn for r in find_items(uow, ItemFilter(**kwargs))]  # type: ignore[arg-type]


def test_newest_first_with_drafts_last(db: Database, items: dict[str, object]) -> None:
    assert lpns(db) == ["LP-D01-0000003", "LP-D01-0000001", "LP-D02-0000002", "LP-D02-0000004", None]
    assert lpns(db, limit=2) == ["LP-D01-0000003", "LP-D01-0000001"]


@pytest.mark.parametrize("key, expected", [
    ("lpn", ["LP-D01-0000001"]), ("serial", ["LP-D01-0000001"]), ("rma", ["LP-D02-0000002", "LP-D02-0000004"]),
    ("order", ["LP-D02-0000002"]), ("sku", ["LP-D01-0000001", None]), ("gtin", ["LP-D01-0000001", None]),
    ("words", ["LP-D01-0000003"]),
])
def test_text_finds_any_code(db: Database, items: dict[str, object], key: str, expected: list[str]) -> None:
    text = {"lpn": "lp-d01-0000001", "serial": "SN-ABC-1", "words": "Blue Kettle"}.get(key) or str(items[key])
    assert lpns(db, text=text) == expected


def test_a_short_or_unknown_code_finds_nothing(db: Database, items: dict[str, object]) -> None:
    assert lpns(db, text="LP-D09-9999999") == []
    assert lpns(db, text="%") == []  # a wildcard is a character, not a pattern


def test_filters(db: Database, items: dict[str, object]) -> None:
    assert lpns(db, station="D02") == ["LP-D02-0000002", "LP-D02-0000004"]
    assert lpns(db, operator="b2001") == ["LP-D02-0000002"]
    assert lpns(db, grade="C") == ["LP-D02-0000002"]
    assert lpns(db, disposition="quarantine") == ["LP-D01-0000003"]
    assert lpns(db, status="draft") == [None]
    assert lpns(db, flag="serial_mismatch") == ["LP-D01-0000001"]
    assert lpns(db, flag="no_rma") == []  # "no_rma_x" is another flag, not a prefix match
    assert lpns(db, rule="open_box_b") == ["LP-D01-0000001"]
    assert lpns(db, rule="cap.no_rma_x") == ["LP-D02-0000002"]
    assert lpns(db, cause="no_rule") == ["LP-D02-0000002"]
    assert lpns(db, open_exceptions=True) == ["LP-D01-0000003", "LP-D02-0000002"]
    assert lpns(db, since=NOW - timedelta(hours=2), until=NOW - timedelta(minutes=30)) == ["LP-D01-0000001"]
    assert lpns(db, station="D02", grade="B") == []


def test_local_day_range(db: Database, items: dict[str, object]) -> None:
    day = (NOW - timedelta(days=2)).astimezone().date()
    assert lpns(db, date_from=day, date_to=day) == ["LP-D02-0000002"]
    assert local_midnight(date(2026, 11, 20)).tzinfo == UTC
    assert local_midnight(date(2026, 11, 20)) == datetime(2026, 11, 20).astimezone().astimezone(UTC)


def test_rows_carry_what_the_list_shows(db: Database, items: dict[str, object]) -> None:
    with db.unit_of_work(read_only=True) as uow:
        rows = {r.lpn: r for r in find_items(uow, ItemFilter())}
    unknown, phone = rows["LP-D01-0000003"], rows["LP-D01-0000001"]
    assert unknown.description == "blue kettle, no box" and unknown.sku is None and unknown.overridden
    assert unknown.exception_cause == "unknown_item"
    assert phone.operator_badge == "B1001" and phone.operator_name == "Dana Worker" and not phone.overridden
    assert phone.flags == ("serial_mismatch",) and phone.sku == items["sku"] and phone.unit_value_cents > 0


def test_find_by_code_lpn_or_newest_item_of_an_rma(db: Database, items: dict[str, object]) -> None:
    with db.unit_of_work(read_only=True) as uow:
        assert find_by_code(uow, " lp-d01-0000001 ") == items["phone"]
        assert find_by_code(uow, str(items["rma"]).lower()) == items["kettle"]
        assert find_by_code(uow, "RMA000000") is None
        assert find_by_code(uow, "") is None
