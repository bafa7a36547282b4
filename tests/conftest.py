"""Shared fixtures: a real SQLite file per test, migrated, with the demo master data.

Migrating and importing the demo cost 0.3-1.5 s a test, so both are done once per pytest run into template
files and each test gets a private copy of the one it needs (made with SQLite's backup API, milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from tests.helpers import copy_sqlite, quick_pins

# The demo data's order dates are relative to this day (docs/csv-formats.md).
DEMO_TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def configuration() -> Configuration:
    return load_configuration()


class DatabaseTemplates:
    """The migrated SQLite files every test starts from, each built on first use and then only copied."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._empty: Path | None = None
        self._demo: Path | None = None

    @property
    def empty(self) -> Path:
        """Migrated to head, no rows."""
        if self._empty is None:
            self._empty = self._build("empty.db", migrate.upgrade)
        return self._empty

    @property
    def demo(self) -> Path:
        """Migrated to head, with the demo master data (catalog, RMAs, operators)."""
        if self._demo is None:
            self._demo = self._build("demo.db", _load_demo_with_quick_pins, start=self.empty)
        return self._demo

    def _build(self, name: str, step: Callable[[Database], object], start: Path | None = None) -> Path:
        path = self.folder / name
        if start is not None:
            copy_sqlite(start, path)
        db = Database(f"sqlite:///{path}")
        try:
            step(db)
        finally:
            db.dispose()
        return path


def _load_demo_with_quick_pins(db: Database) -> None:
    # At scrypt's production cost each sign-in of a test took ~60 ms: a third of the service tests' time.
    with pytest.MonkeyPatch.context() as patch:
        quick_pins(patch)
        load_demo_master_data(db)


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplates:
    return DatabaseTemplates(tmp_path_factory.mktemp("db-templates"))


@dataclass(frozen=True)
class _StationFile:
    path: Path
    has_demo: bool


@pytest.fixture
def _station_file(request: pytest.FixtureRequest, tmp_path: Path, db_templates: DatabaseTemplates) -> _StationFile:
    # A test that uses `db` (directly or through `desk`...) starts from the demo template: same rows as
    # migrating and importing here, without the cost. Decided from the test's fixture closure.
    has_demo = "db" in request.fixturenames
    path = copy_sqlite(db_templates.demo if has_demo else db_templates.empty, tmp_path / "station.db")
    return _StationFile(path, has_demo)


@pytest.fixture
def empty_db(_station_file: _StationFile) -> Iterator[Database]:
    """This test's own SQLite file (tmp_path/station.db), migrated; `db` fills it with the demo data."""
    db = Database(f"sqlite:///{_station_file.path}")
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db: Database, _station_file: _StationFile) -> Database:
    """`empty_db` with the demo master data loaded (the same Database object and file)."""
    if not _station_file.has_demo:  # only when `db` was asked for late (request.getfixturevalue)
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
