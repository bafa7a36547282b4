"""The dock flow driven without Qt: the real services on a real SQLite file, run inline."""

from __future__ import annotations

import pytest

from app.services.desk import Desk
from app.station.driver import StationDriver
from app.station.inputs import SignedIn


@pytest.fixture
def driver(desk: Desk) -> StationDriver:
    return StationDriver(desk)


@pytest.fixture
def signed_in(driver: StationDriver) -> StationDriver:
    driver.feed(SignedIn(driver.desk.sign_in("B1001", "1111")))
    return driver
