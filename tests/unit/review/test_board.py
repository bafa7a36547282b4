"""The board's figures on a real SQLite file: windows, mixes and recovery value, exceptions, quarantine, audit
counts, sync per station, tiles that open exactly their items, and the JSON."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Container, Operator, Product, ReturnItem
from app.db.uow import Database, UnitOfWork
from app.errors import RulesError
from app.review.board import board_figures, board_window, duration, open_exception_counts
from app.review.recovery import RecoveryRates, load_recovery_rates
from app.review.search import ItemFilter, find_items
from app.services.desk import Desk
from app.services.views import OperatorView
from app.sync.runner import SyncStatus
from tests.helpers import answer_all, product_where

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
DAY = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
SHIFT = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
RATES = RecoveryRates({"restock": 1.0, "liquidate": 0.1, "quarantine": 0.0}, {"apparel": {"restock": 0.5}},
                      source="test rates")


def operator_id(db: Database, badge: str) -> int:
    with db.unit_of_work() as uow:
        found = uow.session.scalar(select(Operator.id).where(Operator.badge == badge))
        assert found is not None
        return int(found)


def add_item(uow: UnitOfWork, *, at: datetime | None, station: str = "D01", operator: int = 1,
             grade: str | None = "A", disposition: str | None = "restock", product: Product | None = None,
             status: str = "final", cause: str | None = None, resolved: bool = False, lpn: str | None = "",
             **extra: Any) -> uuid.UUID:
    """One item row as finalize leaves it (fields the board and the list read), without the checklist walk.
    `lpn`: "" for a made-up one, None for none (a draft)."""
    item = ReturnItem(
        id=uuid.uuid4(), lpn=f"LP-{station}-{uuid.uuid4().hex[:8].upper()}" if lpn == "" else lpn, station_id=station,
        operator_id=operator, scanned_code=(product.gtin if product else None) or "0000", category=extra.pop(
            "category", product.category if product else "general"), checklist_id="general", checklist_version=1,
        product_id=product.id if product else None, grade=grade if status != "draft" else None,
        disposition=disposition if status != "draft" else None, status=status, finalized_at=at,
        created_at=(at or NOW) - timedelta(minutes=3), exception_cause=cause,
        exception_resolved_at=NOW if resolved else None, **extra)
    uow.session.add(item)
    return item.id


@pytest.fixture
def ops(db: Database) -> tuple[int, int]:
    return operator_id(db, "B1001"), operator_id(db, "B2001")


@pytest.fixture
def filled(db: Database, ops: tuple[int, int]) -> Database:
    """A day at two stations: 3 items this shift (one in the last hour), 2 earlier today, 1 yesterday, a draft,
    a voided one, open and resolved exceptions, a quarantined item held since yesterday."""
    worker, boss = ops
    phone = product_where(db, category="electronics")
    jacket = product_where(db, category="apparel")
    with db.unit_of_work() as uow:
        add_item(uow, at=NOW - timedelta(minutes=20), operator=worker, product=phone)  # last hour, shift
        add_item(uow, at=SHIFT + timedelta(minutes=5), operator=worker, product=jacket)  # shift
        add_item(uow, at=SHIFT + timedelta(minutes=25), station="D02", operator=boss, grade="C",
                 disposition="liquidate", product=phone, cause="no_rule")  # shift, open exception
        add_item(uow, at=DAY + timedelta(hours=9), station="D02", operator=worker, grade="B", product=jacket,
                 cause="serial_mismatch", resolved=True)  # today, resolved
        add_item(uow, at=DAY + timedelta(hours=9, minutes=10), operator=worker, grade="Salvage",
                 disposition="quarantine", cause="unknown_item")  # today, unknown item (no product)
        add_item(uow, at=DAY - timedelta(hours=2), operator=worker, disposition="quarantine", product=phone,
                 cause="recalled", lpn="LP-D01-OLDEST")  # yesterday, still held
        add_item(uow, at=None, status="draft", operator=worker, product=phone)
        add_item(uow, at=NOW - timedelta(minutes=10), status="voided", operator=worker, product=phone,
                 cause="hazardous")
        for action, minutes in (("voided", 10), ("reprinted", 30), ("reprinted", 50), ("signed_in", 5)):
            uow.session.add(AuditEvent(at=NOW - timedelta(minutes=minutes), station_id="D01", operator_id=worker,
                                       action=action, item_id=None))
        uow.session.add(AuditEvent(at=DAY - timedelta(minutes=1), station_id="D01", operator_id=worker,
                                   action="reprinted", item_id=None))  # yesterday
        uow.session.add(Container(code="TOTE-D07-0001", station_id="D07", disposition="restock"))
    return db


def figures(db: Database, **kwargs: Any) -> Any:
    with db.unit_of_work(read_only=True) as uow:
        return board_figures(uow, NOW, DAY, SHIFT, rates=RATES, **kwargs)


def test_graded_today_shift_and_last_hour_count_final_items_only(filled: Database) -> None:
    b = figures(filled)
    assert (b.graded_today, b.graded_shift, b.graded_last_hour) == (5, 3, 1)
    hours = dict(b.per_hour)
    assert len(b.per_hour) == 16 and b.per_hour[0][0] == DAY  # 00:00 .. 15:00, empty hours included
    assert hours[DAY + timedelta(hours=9)] == 2 and hours[SHIFT] == 2 and hours[NOW.replace(minute=0)] == 1
    assert sum(hours.values()) == b.graded_today


def test_per_operator_and_per_station(filled: Database, ops: tuple[int, int]) -> None:
    b = figures(filled)
    people = {p.key: (p.last_hour, p.shift, p.today) for p in b.per_operator}
    assert people == {"B1001": (1, 2, 4), "B2001": (0, 1, 1)}
    assert {p.key: (p.last_hour, p.shift, p.today) for p in b.per_station} == {"D01": (1, 2, 3), "D02": (0, 1, 2)}
    assert b.per_operator[0].name == "Dana Worker"


def test_one_station_only(filled: Database) -> None:
    b = figures(filled, station="D02")
    assert (b.graded_today, b.graded_shift) == (2, 1)
    assert b.open_exceptions == {"no_rule": 1}
    assert b.oldest_quarantined_at is None
    assert [s.station_id for s in b.sync] == ["D02"]


def test_mixes_and_recovery_value_use_the_rates_per_disposition_and_category(filled: Database) -> None:
    b = figures(filled)
    phone = product_where(filled, category="electronics").unit_value_cents
    jacket = product_where(filled, category="apparel").unit_value_cents
    grades = {m.code: (m.count, m.percent) for m in b.grade_mix}
    assert grades == {"A": (2, 40.0), "B": (1, 20.0), "C": (1, 20.0), "Salvage": (1, 20.0)}
    assert [m.code for m in b.grade_mix] == ["A", "B", "C", "Salvage"]  # the grade order, not alphabetical
    disp = {m.code: m for m in b.disposition_mix}
    assert disp["restock"].count == 3 and disp["restock"].unit_value_cents == phone + 2 * jacket
    # apparel restocks at the category's own rate (0.5), electronics at the general one (1.0)
    assert disp["restock"].recovery_cents == phone + round(jacket * 0.5) * 2
    assert disp["liquidate"].recovery_cents == round(phone * 0.1)
    assert disp["quarantine"].unit_value_cents == 0  # unknown item: no unit value
    assert b.recovery_cents == sum(m.recovery_cents for m in b.disposition_mix)
    assert b.unit_value_cents == 2 * phone + 2 * jacket


def test_open_exceptions_exclude_resolved_voided_and_drafts_and_equal_the_item_list(filled: Database) -> None:
    with filled.unit_of_work(read_only=True) as uow:
        counts = open_exception_counts(uow)
        listed = find_items(uow, ItemFilter(open_exceptions=True))
        per_cause = {c: len(find_items(uow, ItemFilter(cause=c))) for c in counts}
    assert counts == {"no_rule": 1, "unknown_item": 1, "recalled": 1}
    assert len(listed) == sum(counts.values())
    assert per_cause == counts
    assert figures(filled).open_exceptions == counts


def test_oldest_quarantined_is_the_longest_held_open_exception(filled: Database) -> None:
    b = figures(filled)
    assert b.oldest_quarantined_lpn == "LP-D01-OLDEST"
    assert b.oldest_quarantined_age_s == int(timedelta(hours=17, minutes=30).total_seconds())
    tile = next(t for t in b.tiles() if t.key == "oldest_quarantine")
    assert tile.value == "17 h 30 min"
    with filled.unit_of_work() as uow:
        uow.session.execute(ReturnItem.__table__.update().where(ReturnItem.lpn == "LP-D01-OLDEST")
                            .values(exception_resolved_at=NOW))
    assert figures(filled).oldest_quarantined_at == DAY + timedelta(hours=9, minutes=10)


def test_voids_and_reprints_today_from_the_audit_trail(filled: Database) -> None:
    b = figures(filled)
    assert (b.voids_today, b.reprints_today) == (1, 2)
    assert figures(filled, station="D02").voids_today == 0


def test_sync_lists_every_station_with_its_newest_item_and_this_stations_own_status(filled: Database) -> None:
    status = SyncStatus(waiting=4, last_sync_at=NOW - timedelta(minutes=1), last_error="cannot be reached",
                        conflicts=0)
    b = figures(filled, this_station="D01", local_sync=status)
    by_id = {s.station_id: s for s in b.sync}
    assert set(by_id) == {"D01", "D02", "D07"}  # D07 has a tote but graded nothing today
    assert by_id["D01"].last_item_at == NOW - timedelta(minutes=20) and by_id["D01"].waiting == 4
    assert by_id["D02"].waiting is None and by_id["D02"].items_today == 2
    assert by_id["D07"].last_item_at is None and by_id["D07"].items_today == 0
    tile = next(t for t in b.tiles() if t.key == "sync")
    assert tile.value == "problem at D01" and "4 waiting" in tile.detail


def test_every_tile_with_a_filter_opens_exactly_its_items(filled: Database) -> None:
    b = figures(filled)
    expected = {"graded_today": b.graded_today, "graded_shift": b.graded_shift, "per_hour": b.graded_last_hour,
                "per_operator": b.graded_shift, "per_station": b.graded_shift, "grade_mix": b.graded_today,
                "disposition_mix": b.graded_today, "open_exceptions": b.open_exceptions_total,
                "oldest_quarantine": 2, "voids_reprints": 1}  # two held in quarantine
    tiles = b.tiles()
    assert [t.key for t in tiles] == [*expected, "sync", "stations"]
    with filled.unit_of_work(read_only=True) as uow:
        for tile in tiles:
            assert tile.definition and tile.title
            if tile.filter is not None:
                assert len(find_items(uow, tile.filter)) == expected[tile.key], tile.key


def test_json_is_plain_and_has_the_documented_keys(filled: Database) -> None:
    data = figures(filled).to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["format", "generated_at", "day_start", "shift_start", "station", "graded", "per_hour",
                          "per_operator", "per_station", "grade_mix", "disposition_mix", "unit_value_cents",
                          "recovery_cents", "open_exceptions", "open_exceptions_total", "oldest_quarantined",
                          "voids_today", "reprints_today", "sync", "rates_source", "stations"]
    assert data["graded"] == {"today": 5, "shift": 3, "last_hour": 1}
    assert data["per_hour"][9] == {"hour_start": "2026-11-20T09:00:00+00:00", "count": 2}
    assert data["oldest_quarantined"]["lpn"] == "LP-D01-OLDEST"


def test_an_empty_database_gives_an_empty_board(empty_db: Database) -> None:
    b = figures(empty_db)
    assert (b.graded_today, b.open_exceptions, b.grade_mix, b.sync) == (0, {}, [], [])
    assert all(n == 0 for _, n in b.per_hour)
    assert [t.value for t in b.tiles()][:2] == ["0", "0"]


def test_items_graded_through_the_real_desk_are_on_the_board(desk: Desk, worker: OperatorView, db: Database,
                                                             clock: Any) -> None:
    product = product_where(db, category="general", serialized=False)
    assert product.gtin is not None
    item = desk.start_intake(worker, desk.classify(product.gtin))
    saved = desk.finalize(worker, answer_all(desk, item).id)  # type: ignore[union-attr]
    with db.unit_of_work(read_only=True) as uow:
        b = board_figures(uow, clock.at + timedelta(minutes=1), clock.at.replace(hour=0), clock.at.replace(hour=6))
    assert b.graded_today == 1 and b.graded_last_hour == 1
    assert [m.code for m in b.disposition_mix] == [saved.disposition]
    assert b.per_operator[0].key == "B1001"
    assert b.rates_source.endswith("recovery.toml")


def test_board_window_uses_local_midnight_and_the_shift_that_began_last(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        now, day, shift = board_window(datetime(2026, 11, 20, 15, 30, tzinfo=UTC))
        assert (day, shift) == (DAY, SHIFT)
        _, day, shift = board_window(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
        assert (day, shift) == (DAY, DAY - timedelta(hours=2))  # yesterday's 22:00 shift
    finally:
        monkeypatch.undo()
        time.tzset()


def test_durations_in_words() -> None:
    assert [duration(s) for s in (5, 125, 3 * 3600 + 20 * 60, 2 * 86400 + 4 * 3600)] == [
        "5 s", "2 min", "3 h 20 min", "2 d 4 h"]


def test_recovery_rates_shipped_and_site_override(tmp_path: Path) -> None:
    shipped = load_recovery_rates()
    assert shipped.rate("restock") == 1.0 and shipped.rate("open_box", "apparel") < shipped.rate("open_box")
    assert shipped.rate(None) == 0.0
    (tmp_path / "recovery.toml").write_text("version = 2\n[rates]\nrestock = 0.95\ndestroy = -0.05\n")
    site = load_recovery_rates(tmp_path)
    assert site.rate("restock") == 0.95 and site.rate("refurbish") == 0.0 and site.value_cents("destroy", "", 1000) \
        == -50
    assert site.source == str(tmp_path / "recovery.toml")


@pytest.mark.parametrize("body, where", [
    ("version = 1\n[rates]\nrestok = 1.0\n", "rates.restok"),
    ("version = 1\n[rates]\nrestock = 1.5\n", "rates.restock"),
    ("version = 1\n[rates]\nrestock = 'all'\n", "rates.restock"),
    ("version = 1\n[rates]\n[categories.toys]\nrestock = 1.0\n", "categories.toys"),
])
def test_a_wrong_recovery_file_names_the_key(tmp_path: Path, body: str, where: str) -> None:
    (tmp_path / "recovery.toml").write_text(body)
    with pytest.raises(RulesError) as caught:
        load_recovery_rates(tmp_path)
    assert caught.value.where == where
