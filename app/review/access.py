"""Role checks in the core: every supervisor service calls one of these first, so a worker's call is refused
here whatever the screen shows. The role is read from the database, not taken from the caller's view."""

from __future__ import annotations

from app.db.models import Operator
from app.db.uow import UnitOfWork
from app.domain.vocab import Role
from app.errors import PermissionDenied
from app.services.views import OperatorView

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require_supervisor(uow: UnitOfWork, operator: OperatorView, doing: str) -> Operator:
    """The operator's row, if they are an active supervisor or admin; else PermissionDenied naming `doing`."""
    return _require(uow, operator, SUPERVISORS, doing, "a supervisor")


def require_admin(uow: UnitOfWork, operator: OperatorView, doing: str) -> Operator:
    return _require(uow, operator, frozenset({Role.ADMIN}), doing, "an admin")


def _require(uow: UnitOfWork, operator: OperatorView, roles: frozenset[Role], doing: str, who: str) -> Operator:
    row = uow.session.get(Operator, operator.id)
    if row is None or not row.active or row.badge != operator.badge:
        raise PermissionDenied(f"Badge {operator.badge} is not an active operator here; sign in again.")
    if row.role not in roles:
        raise PermissionDenied(f"Only {who} can {doing}. Ask one to do it, or to sign in here.")
    return row
