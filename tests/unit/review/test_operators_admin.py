"""Operator administration in the core: roles checked there, the last admin kept, every change audited
without a PIN, a reset PIN chosen again at the next sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent
from app.db.uow import Database
from app.errors import InvalidState, NotFound, PermissionDenied, SignInError
from app.review.operators_admin import OperatorDesk
from app.services.desk import Desk
from app.services.views import OperatorView


@pytest.fixture
def ops(desk: Desk, db: Database) -> OperatorDesk:
    return OperatorDesk(db, desk.ctx)


@pytest.fixture
def admin(desk: Desk) -> OperatorView:
    return desk.sign_in("B9001", "9999")


def actions(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work() as uow:
        return [(e.action, e.detail) for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_worker_is_refused_in_the_core(ops: OperatorDesk, worker: OperatorView) -> None:
    for call in (lambda: ops.add_operator(worker, "B1234", "New Person"), lambda: ops.unlock(worker, "B2001"),
                 lambda: ops.reset_pin(worker, "B1001"), lambda: ops.change_role(worker, "B1001", "admin")):
        with pytest.raises(PermissionDenied, match="Only a"):
            call()


def test_added_operator_chooses_a_pin_at_first_sign_in(
    ops: OperatorDesk, desk: Desk, db: Database, supervisor: OperatorView
) -> None:
    row = ops.add_operator(supervisor, " B1234 ", "  Robin   Newstart ")
    assert (row.badge, row.name, row.role, row.active, row.has_pin) == ("B1234", "Robin Newstart", "worker",
                                                                        True, False)
    assert desk.look_up_badge("B1234").needs_new_pin
    assert desk.set_first_pin("B1234", "4826").badge == "B1234"
    assert ("operator_added", "badge B1234 (Robin Newstart) by B2001") in actions(db)
    with pytest.raises(InvalidState, match="already belongs to Robin Newstart"):
        ops.add_operator(supervisor, "B1234", "Someone Else")
    with pytest.raises(InvalidState, match="could never be scanned"):
        ops.add_operator(supervisor, "X12", "Bad Badge")


def test_supervisor_and_admin_accounts_need_an_admin(
    ops: OperatorDesk, supervisor: OperatorView, admin: OperatorView
) -> None:
    with pytest.raises(PermissionDenied, match="Only an admin can add a supervisor"):
        ops.add_operator(supervisor, "B2002", "Kim Lead", "supervisor")
    with pytest.raises(PermissionDenied, match="Only an admin"):
        ops.reset_pin(supervisor, "B9001")  # would let a supervisor sign in as the admin
    assert ops.add_operator(admin, "B2002", "Kim Lead", "supervisor").role == "supervisor"
    assert ops.unlock(supervisor, "B9001").badge == "B9001"  # unlocking gives no access: any supervisor


def test_reset_pin_makes_the_operator_choose_a_new_one(
    ops: OperatorDesk, desk: Desk, db: Database, supervisor: OperatorView
) -> None:
    assert not ops.reset_pin(supervisor, "B1001").has_pin
    with pytest.raises(SignInError, match="choose a new PIN"):
        desk.sign_in("B1001", "1111")
    desk.set_first_pin("B1001", "5937")
    assert desk.sign_in("B1001", "5937").badge == "B1001"
    with db.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "pin_reset")).one()
        assert event.before == {**event.before, "has_pin": True} and event.after["has_pin"] is False
        assert "scrypt" not in str(event.before) + str(event.after)


def test_deactivate_and_reactivate(ops: OperatorDesk, desk: Desk, supervisor: OperatorView) -> None:
    assert not ops.deactivate(supervisor, "B1001").active
    with pytest.raises(SignInError, match="deactivated"):
        desk.sign_in("B1001", "1111")
    assert ops.reactivate(supervisor, "B1001").active
    assert desk.sign_in("B1001", "1111").badge == "B1001"
    with pytest.raises(InvalidState, match="your own badge"):
        ops.deactivate(supervisor, "B2001")
    with pytest.raises(NotFound, match="No operator has badge B4040"):
        ops.deactivate(supervisor, "B4040")


def test_roles_change_only_by_admins_and_the_last_admin_stays(
    ops: OperatorDesk, supervisor: OperatorView, admin: OperatorView
) -> None:
    with pytest.raises(PermissionDenied, match="Only an admin can change roles"):
        ops.change_role(supervisor, "B1001", "supervisor")
    assert ops.change_role(admin, "B1001", "supervisor").role == "supervisor"
    with pytest.raises(InvalidState, match="last active admin"):
        ops.change_role(admin, "B9001", "worker")
    ops.change_role(admin, "B2001", "admin")
    assert ops.change_role(admin, "B9001", "worker").role == "worker"  # another admin is left
    with pytest.raises(InvalidState, match="not known"):
        ops.change_role(supervisor, "B1001", "boss")
