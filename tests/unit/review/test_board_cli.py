"""`review today` and `items`: the command line shows the same numbers as the board for the same data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from app.db.uow import Database
from app.review.board import board_figures
from app.review.recovery import load_recovery_rates
from app.review.search import ItemFilter, find_items
from tests.helpers import product_where
from tests.unit.review.test_board import add_item, operator_id


@pytest.fixture
def today(db: Database) -> Database:
    now = datetime.now(UTC)
    phone = product_where(db, category="electronics")
    worker, boss = operator_id(db, "B1001"), operator_id(db, "B2001")
    with db.unit_of_work() as uow:
        for i in range(7):
            add_item(uow, at=now - timedelta(minutes=9 * i + 1), station=("D01", "D02")[i % 2],
                     operator=(worker, boss)[i % 3 == 0], product=phone if i % 2 else None,
                     grade="AB"[i % 2], disposition=("restock", "quarantine")[i % 2],
                     cause="no_rule" if i % 3 == 0 else None, lpn=f"LP-D0{i % 2 + 1}-{i:07d}")
    return db


def run(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_review_today_json_equals_the_board_figures(today: Database, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETURNS_DESK_MODE", raising=False)
    code, out, _ = run(capsys, today, "review", "today", "--json")
    assert code == 0
    shown = json.loads(out)
    scope = shown.pop("scope")
    assert scope == {"site": False, "banner": None, "source": "this station", "station_only": True}
    window = [datetime.fromisoformat(shown[k]) for k in ("generated_at", "day_start", "shift_start")]
    with today.unit_of_work(read_only=True) as uow:
        board = board_figures(uow, *window, rates=load_recovery_rates(), this_station="D01")
    assert shown == json.loads(json.dumps(board.to_json()))
    assert shown["graded"]["today"] == board.graded_today > 0


def test_review_today_for_one_station_and_as_a_table(today: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, today, "review", "today", "--station", "D02", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["station"] == "D02" and {s["station"] for s in shown["sync"]} == {"D02"}
    code, out, _ = run(capsys, today, "review", "today")
    assert code == 0 and "Graded today" in out and "Open exceptions" in out


def test_items_json_equals_find_items(today: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, today, "items", "--station", "D01", "--cause", "no_rule", "--json")
    assert code == 0
    shown = json.loads(out)["items"]
    with today.unit_of_work(read_only=True) as uow:
        rows = find_items(uow, ItemFilter(station="D01", cause="no_rule"))
    assert [r["lpn"] for r in shown] == [r.lpn for r in rows] and len(rows) == 2
    assert shown[0]["exception_cause"] == "no_rule" and shown[0]["operator_badge"] in ("B1001", "B2001")


def test_items_table_and_plain_errors(today: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, today, "items", "LP-D02-0000001")
    assert code == 0 and "LP-D02-0000001" in out and "D02" in out
    code, out, _ = run(capsys, today, "items", "LP-D09-0000009")
    assert code == 0 and "No items match." in out
    code, _, err = run(capsys, today, "items", "--from", "2026-13-01")
    assert code == 2 and "--from 2026-13-01 is not a day: write it as YYYY-MM-DD" in err
