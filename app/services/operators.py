"""Sign-in by badge and PIN. PINs are compared against scrypt hashes and never logged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Operator
from app.db.uow import UnitOfWork
from app.errors import SignInError
from app.security import check_pin_format, hash_pin, verify_pin
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.views import OperatorView, operator_view


@dataclass(frozen=True)
class BadgeStatus:
    badge: str
    name: str
    needs_new_pin: bool  # first sign-in: the operator chooses a PIN


def _active_operator(uow: UnitOfWork, badge: str) -> Operator:
    row = uow.session.scalars(select(Operator).where(Operator.badge == badge.strip())).one_or_none()
    if row is None or not row.active:
        raise SignInError(f"Badge {badge.strip()} is not registered at this site. Ask a supervisor to add you.")
    return row


def look_up_badge(uow: UnitOfWork, badge: str) -> BadgeStatus:
    row = _active_operator(uow, badge)
    return BadgeStatus(row.badge, row.name, row.pin_hash is None)


def sign_in(uow: UnitOfWork, ctx: StationContext, badge: str, pin: str) -> OperatorView:
    row = _active_operator(uow, badge)
    if row.pin_hash is None:
        raise SignInError("No PIN is set for this badge yet: choose a new PIN first.")
    if not verify_pin(pin, row.pin_hash):
        record_event(uow, ctx, row.id, "sign_in_failed", None, detail=f"badge {row.badge}")
        raise SignInError("Wrong PIN. Type your PIN again; a supervisor can reset it.")
    record_event(uow, ctx, row.id, "signed_in", None, detail=f"badge {row.badge}")
    return operator_view(row)


def set_first_pin(uow: UnitOfWork, ctx: StationContext, badge: str, pin: str) -> OperatorView:
    row = _active_operator(uow, badge)
    if row.pin_hash is not None:
        raise SignInError("This badge already has a PIN. Ask a supervisor to reset it.")
    try:
        check_pin_format(pin)
    except ValueError as exc:
        raise SignInError(str(exc)) from None
    row.pin_hash = hash_pin(pin)
    record_event(uow, ctx, row.id, "pin_set", None, detail=f"badge {row.badge}")
    return operator_view(row)
