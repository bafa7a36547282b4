"""Operators changed in station mode on the real central engines: written centrally and to the station's copy
at once, reaching the other stations with their pull; a station's lock-out survives the pull (re-applied rows
included) until a supervisor's central unlock lifts it; a PIN chosen after a reset is the site's PIN."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEvent, Operator
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.errors import CentralUnavailable, SignInError
from app.review.operators_admin import OperatorDesk
from app.services.desk import Desk
from app.sync.pull import pull_once
from app.sync.runner import sync_once
from tests.integration.stations import new_station


def lock(desk: Desk, badge: str) -> None:
    for _ in range(5):
        with pytest.raises(SignInError):
            desk.sign_in(badge, "0000")


def operator(db: Database, badge: str) -> Operator:
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(Operator).where(Operator.badge == badge)).one()
        uow.session.expunge(row)
        return row


def audit_count(db: Database, action: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == action)) or 0


def test_operator_changes_reach_central_and_every_station(central, tmp_path, configuration, clock):
    clock.at = datetime.now(UTC)
    load_demo_master_data(central)
    d01 = new_station(tmp_path, central, "D01", configuration, clock)
    d02 = new_station(tmp_path, central, "D02", configuration, clock)
    office = OperatorDesk(d02.db, d02.ctx, central)
    supervisor = d02.sign_in("B2001", "2222")

    # The lock-out is counted at D01; pulling again (the demo rows are recent, so they are fetched again)
    # does not lift it.
    lock(d01, "B1001")
    pull_once(d01.db, central)
    assert operator(d01.db, "B1001").locked_until is not None
    with pytest.raises(SignInError, match="is locked until"):
        d01.sign_in("B1001", "1111")

    # A supervisor at D02 unlocks: central first, then D01 takes it with its pull.
    assert office.unlock(supervisor, "B1001").locked_until is None
    assert audit_count(central, "badge_unlocked") == 1
    pull_once(d01.db, central)
    assert d01.sign_in("B1001", "1111").badge == "B1001"

    # Added at D02: in central and in D02's copy at once, at D01 after its pull; audited once, centrally.
    office.add_operator(supervisor, "B1234", "Robin Newstart")
    assert operator(central, "B1234").name == operator(d02.db, "B1234").name == "Robin Newstart"
    sync_once(d02.db, central, "D02")  # D02's own audit events go up: the central one is not doubled
    assert audit_count(central, "operator_added") == 1
    pull_once(d01.db, central)
    assert operator(d01.db, "B1234").pin_hash is None

    # Reset at D02; the new PIN chosen at D01 is written centrally, so D02 accepts it after its pull, and a
    # re-applied older central row never wipes it at D01.
    office.reset_pin(supervisor, "B1001")
    pull_once(d01.db, central)
    with pytest.raises(SignInError, match="choose a new PIN"):
        d01.sign_in("B1001", "1111")
    OperatorDesk(d01.db, d01.ctx, central).set_first_pin("B1001", "5937")
    assert operator(central, "B1001").pin_hash is not None
    pull_once(d01.db, central)
    pull_once(d02.db, central)
    assert d01.sign_in("B1001", "5937").badge == d02.sign_in("B1001", "5937").badge == "B1001"

    # Deactivated centrally: refused at D01 after its pull.
    office.deactivate(supervisor, "B1234")
    pull_once(d01.db, central)
    assert operator(d01.db, "B1234").active is False


def test_central_unreachable_only_unlock_works_here(central, tmp_path, configuration, clock):
    clock.at = datetime.now(UTC)
    load_demo_master_data(central)
    d01 = new_station(tmp_path, central, "D01", configuration, clock)
    supervisor = d01.sign_in("B2001", "2222")
    lock(d01, "B1001")
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    try:
        offline = OperatorDesk(d01.db, d01.ctx, gone)
        with pytest.raises(CentralUnavailable, match="nothing was changed"):
            offline.add_operator(supervisor, "B1234", "Robin Newstart")
        assert offline.unlock(supervisor, "B1001").locked_until is None
    finally:
        gone.dispose()
    assert d01.sign_in("B1001", "1111").badge == "B1001"
    assert operator(central, "B1001").locked_until is None  # it was never locked there
