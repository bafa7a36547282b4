"""Fixtures for the central engines: a migrated throwaway database on PostgreSQL and on MariaDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.db import migrate
from app.db.uow import Database
from tests.helpers import quick_pins
from tests.integration.servers import throwaway_database


@pytest.fixture(params=["postgresql", "mariadb"])
def central_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with throwaway_database(request.param) as url:
        yield url


@pytest.fixture
def central(central_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    quick_pins(monkeypatch)  # the demo operators loaded into it, and the stations' sign-ins against them
    db = Database(central_url)
    migrate.upgrade(db)
    yield db
    db.dispose()
