"""Shared fixtures: a real SQLite file per test, migrated, with the demo master data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.domain.rules_check import Configuration, load_configuration
from app.printing.setup import print_setup
from app.services.context import FixedClock, StationContext
from app.services.desk import Desk
from app.services.views import OperatorView

# The demo data's order dates are relative to this day (docs/csv-formats.md).
DEMO_TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def configuration() -> Configuration:
    return load_configuration()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db: Database) -> Database:
    load_demo_master_data(empty_db)
    return empty_db


class MutableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
def desk(db: Database, configuration: Configuration, clock: MutableClock, tmp_path: Path) -> Desk:
    # Print jobs go to files in the test's folder, never to the user's data folder.
    printing = print_setup(f"files=file:{tmp_path / 'printed'}", "files", "files")
    ctx = StationContext("D01", configuration, clock=clock, local_today=lambda: DEMO_TODAY, printing=printing)
    return Desk(db, ctx)


@pytest.fixture
def worker(desk: Desk) -> OperatorView:
    return desk.sign_in("B1001", "1111")


@pytest.fixture
def supervisor(desk: Desk) -> OperatorView:
    return desk.sign_in("B2001", "2222")


__all__ = ["FixedClock"]
