"""Direct mode: the station works on the central database; what happens when the connection drops."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.errors import DatabaseUnavailable
from app.services.context import StationContext
from app.services.desk import Desk
from app.sync.modes import open_station_database
from tests.conftest import DEMO_TODAY
from tests.helpers import answer_all
from tests.integration.stations import plain_gtins
from tests.integration.tcp_proxy import CuttingProxy


def test_direct_mode_opens_the_central_database(central):
    db = open_station_database(Settings(mode="direct", central_db=central.url))
    try:
        assert make_url(db.url).database == make_url(central.url).database
        assert migrate.current_revision(db) == migrate.HEAD_REVISION  # it connects (with the connect timeout)
    finally:
        db.dispose()


def test_dropped_connection_fails_one_step_in_words_then_work_goes_on(central, configuration, clock):
    load_demo_master_data(central)
    url = make_url(central.url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 0)
    db = Database(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    try:
        desk = Desk(db, StationContext("D09", configuration, clock=clock, local_today=lambda: DEMO_TODAY))
        worker = desk.sign_in("B1001", "1111")
        item = answer_all(desk, desk.start_intake(worker, desk.classify(plain_gtins(central, 1)[0])))

        proxy.set_down(True)  # the cable is pulled
        with pytest.raises(DatabaseUnavailable, match="(?s)could not be reached.*Nothing was lost"):
            desk.finalize(worker, item.id)

        # Back: the pool notices the dead connection and reconnects; the draft is still there, saved so far.
        proxy.set_down(False)
        draft = desk.open_draft()
        assert draft is not None and draft.id == item.id and draft.status == "draft"
        final = desk.finalize(worker, draft.id)
        assert final.lpn == "LP-D09-0000001"
    finally:
        db.dispose()
        proxy.close()
