"""Where review data comes from, per mode: central in station mode (a SQLite file stands in for it here; the
real engines are in tests/integration/test_review_central.py), this station with a banner when central cannot be
reached, the local file standalone; and where a supervisor's change of an item is written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.config import Settings
from app.db.uow import Database, UnitOfWork
from app.errors import CentralUnavailable
from app.review.board import board_figures
from app.review.source import CENTRAL, STANDALONE, ReviewSource, Scope
from tests.conftest import DatabaseTemplates
from tests.helpers import copy_sqlite
from tests.unit.review.test_board import DAY, NOW, SHIFT, add_item, operator_id

REFUSING = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


def graded_today(uow: UnitOfWork, scope: Scope) -> int:
    return board_figures(uow, NOW, DAY, SHIFT).graded_today


@pytest.fixture
def central(db: Database, db_templates: DatabaseTemplates, tmp_path: Path) -> Database:
    """A central database with 3 items of D02; the station's own file (`db`) has 1 of D01."""
    central = Database(f"sqlite:///{copy_sqlite(db_templates.demo, tmp_path / 'central.db')}")
    worker = operator_id(db, "B1001")
    with central.unit_of_work() as uow:
        for minutes in (5, 10, 15):
            add_item(uow, at=NOW - timedelta(minutes=minutes), station="D02", operator=worker)
    with db.unit_of_work() as uow:
        add_item(uow, at=NOW - timedelta(minutes=1), station="D01", operator=worker)
    yield central
    central.dispose()


def settings(mode: str, db: Database) -> Settings:
    return Settings(station_id="D01", mode=mode, db=db.url, central_db="sqlite:///unused.db")


def test_standalone_reads_this_station_without_a_banner(db: Database, central: Database) -> None:
    source = ReviewSource(db, settings("standalone", db))
    assert source.read(graded_today) == (1, STANDALONE)
    assert STANDALONE.station_only and STANDALONE.banner is None and not STANDALONE.site
    assert source.writer_for("D02") is db


def test_direct_mode_reads_the_site(db: Database, central: Database) -> None:
    source = ReviewSource(central, settings("direct", central))
    assert source.read(graded_today) == (3, CENTRAL)
    assert source.writer_for("D02") is central


def test_station_mode_reads_central_and_writes_other_stations_items_there(db: Database, central: Database) -> None:
    source = ReviewSource(db, settings("station", db), central=central)
    count, scope = source.read(graded_today)
    assert (count, scope.site, scope.banner, scope.source) == (3, True, None, "central database (all stations)")
    assert source.writer_for("D01") is db  # this station's own items: its file, the outbox carries them
    assert source.writer_for("D02") is central


def test_station_mode_falls_back_to_this_station_with_a_banner(db: Database, central: Database) -> None:
    ticks = [0.0]
    source = ReviewSource(db, settings("station", db), central=Database(REFUSING), clock=lambda: ticks[0])
    count, scope = source.read(graded_today)
    assert count == 1 and not scope.site and scope.source == "this station"
    assert scope.banner is not None
    assert scope.banner.startswith("Central database unreachable: showing this station only (")
    assert "127.0.0.1" in scope.banner or "refused" in scope.banner.lower()
    assert source.writer_for("D01") is db
    with pytest.raises(CentralUnavailable) as caught:
        source.writer_for("D02")
    assert "only this station's items can be changed while the central database is unreachable" in str(caught.value)
    # Within the retry pause central is not asked again (no connect timeout per board refresh)...
    source._central = None  # would be reopened from the settings if it were asked
    assert source.read(graded_today)[1].banner == scope.banner
    # ...after it, it is.
    source._central = Database(REFUSING)
    ticks[0] = 60.0
    assert source.read(graded_today)[1].banner is not None
    source.close()


def test_an_error_of_the_reading_itself_is_not_hidden_as_a_fallback(db: Database, central: Database) -> None:
    source = ReviewSource(db, settings("station", db), central=central)

    def broken(uow: UnitOfWork, scope: Scope) -> int:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        source.read(broken)
