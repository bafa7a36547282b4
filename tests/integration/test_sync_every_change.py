"""Every kind of change a station makes reaches the central database: after each, central == station for every
synced table (items, print jobs, totes, audit events), on PostgreSQL and MariaDB (steps: tests/sync_compare.py).
"""

from __future__ import annotations

from app.demo import load_demo_master_data
from tests.integration.stations import new_station, plain_gtins
from tests.sync_compare import Dock, check_every_change


def test_after_every_kind_of_change_central_equals_station(central, tmp_path, configuration, clock):
    load_demo_master_data(central)
    desk = new_station(tmp_path, central, "D01", configuration, clock)
    check_every_change(Dock(desk, tmp_path, plain_gtins(desk.db, 1)[0]), central)
