"""The rule "after any change, central == station" on a SQLite central file (fast; the real servers run the same
steps in tests/integration/test_sync_every_change.py)."""

from __future__ import annotations

from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync.outbox import enable_outbox
from app.sync.pull import pull_once
from tests.conftest import DEMO_TODAY
from tests.helpers import product_where
from tests.sync_compare import Dock, check_every_change


def test_after_every_kind_of_change_central_equals_station(tmp_path, configuration, clock):
    central = Database(f"sqlite:///{tmp_path / 'central.db'}")
    migrate.upgrade(central)
    load_demo_master_data(central)
    local = Database(f"sqlite:///{tmp_path / 'D03.db'}")
    migrate.upgrade(local)
    enable_outbox(local)
    pull_once(local, central)
    desk = Desk(local, StationContext("D03", configuration, clock=clock, local_today=lambda: DEMO_TODAY))
    try:
        check_every_change(Dock(desk, tmp_path, product_where(local, serialized=False).gtin or ""), central)
    finally:
        local.dispose()
        central.dispose()
