"""Five wrong PINs in a row lock a badge for five minutes: audited without the PIN, told in words with who can
unlock it; a right PIN clears the count; the lock ends by itself or when a supervisor lifts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Operator
from app.db.uow import Database
from app.errors import SignInError
from app.review.operators_admin import OperatorDesk
from app.services.desk import Desk
from app.services.views import OperatorView
from tests.conftest import MutableClock


def wrong(desk: Desk, badge: str = "B1001", pin: str = "0000") -> str:
    with pytest.raises(SignInError) as err:
        desk.sign_in(badge, pin)
    return str(err.value)


def operator(db: Database, badge: str) -> Operator:
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(Operator).where(Operator.badge == badge)).one()
        uow.session.expunge(row)
        return row


def events(db: Database) -> list[AuditEvent]:
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        uow.session.expunge_all()
        return rows


def test_five_wrong_pins_lock_the_badge_for_five_minutes(desk: Desk, db: Database, clock: MutableClock) -> None:
    messages = [wrong(desk, pin="4826") for _ in range(4)]
    assert "Wrong PIN (1 of 5)" in messages[0] and "4 more" in messages[0]
    assert "reset-pin B1001" in messages[0]  # the promise names a function that exists
    assert operator(db, "B1001").failed_pins == 4  # counted although each sign-in raised
    fifth = wrong(desk, pin="4826")
    assert "locked until" in fifth and "returns-desk operators unlock B1001" in fifth
    row = operator(db, "B1001")
    assert row.locked_until == clock.at + timedelta(minutes=5) and row.failed_pins == 0
    # While locked even the right PIN is refused, and the PIN is not checked (no more counting).
    refused = wrong(desk, pin="1111")
    assert "is locked until" in refused and "Operators screen" in refused
    locked = [e for e in events(db) if e.action == "badge_locked"]
    assert len(locked) == 1 and locked[0].operator_id == row.id
    failed = [e for e in events(db) if e.action in ("sign_in_failed", "badge_locked")]
    assert len(failed) == 5
    for event in failed:  # never the PIN typed, nor the hash
        assert "4826" not in f"{event.detail}{event.before}{event.after}"
        assert "scrypt" not in f"{event.detail}{event.before}{event.after}"
    clock.at += timedelta(minutes=5, seconds=1)
    assert desk.sign_in("B1001", "1111").badge == "B1001"  # the lock ended by itself


def test_a_right_pin_clears_the_count(desk: Desk, db: Database) -> None:
    for _ in range(4):
        wrong(desk)
    desk.sign_in("B1001", "1111")
    assert operator(db, "B1001").failed_pins == 0
    assert "1 of 5" in wrong(desk)  # in a row: counting starts again


def test_badges_are_counted_apart(desk: Desk, db: Database) -> None:
    for _ in range(5):
        wrong(desk, "B1001")
    assert desk.sign_in("B2001", "2222").badge == "B2001"
    assert operator(db, "B2001").locked_until is None


def test_a_supervisor_unlocks_and_the_unlock_is_audited(desk: Desk, db: Database, supervisor: OperatorView) -> None:
    for _ in range(5):
        wrong(desk)
    admin = OperatorDesk(db, desk.ctx)
    locked = next(r for r in admin.list_operators() if r.badge == "B1001")
    assert locked.locked_until is not None
    row = admin.unlock(supervisor, "B1001")
    assert row.locked_until is None and row.failed_pins == 0
    assert desk.sign_in("B1001", "1111").badge == "B1001"
    unlocked = [e for e in events(db) if e.action == "badge_unlocked"]
    assert len(unlocked) == 1 and unlocked[0].operator_id == supervisor.id
    assert unlocked[0].before is not None and unlocked[0].before["locked_until"] is not None


def test_unknown_and_deactivated_badges_say_how(desk: Desk, db: Database, supervisor: OperatorView) -> None:
    assert "returns-desk operators add B7777" in wrong(desk, "B7777")
    OperatorDesk(db, desk.ctx).deactivate(supervisor, "B1001")
    assert "reactivate B1001" in wrong(desk, "B1001", "1111")
