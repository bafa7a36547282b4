"""The fleet view on the real PostgreSQL and MariaDB: reports, the station id claim, min_version, the central
schema check and what the view says is wrong (the same scenarios as on SQLite, tests/unit/sync/test_fleet.py)."""

from __future__ import annotations

import pytest

from app.demo import load_demo_master_data
from tests.unit.sync.test_fleet import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_fleet_on_a_real_central(scenario, tmp_path, central, configuration, clock):
    load_demo_master_data(central)
    scenario(tmp_path, central, configuration, clock)
