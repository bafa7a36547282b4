"""Operators for supervisors: list, add, deactivate, reactivate, reset a PIN, unlock a badge, change a role.

Every change checks the caller's role in the core (app/review/access.py) and is audited without a PIN or its
hash. Supervisors manage workers; an account with the supervisor or admin role is managed by an admin (a
supervisor resetting an admin's PIN could sign in as that admin), except `unlock`, which any supervisor may do
for anyone. Only admins change roles, and never so that no active admin is left.

Where the change is written (`OperatorDesk`): operators are master data. Standalone and direct mode write the
one database. In station mode they are pulled from the central database, so a change is written there
directly (with its audit event) and the station's copy of the row is then replaced with the central one, so it
takes effect here at once and reaches the other stations with their next pull. While the central database is
unreachable only `unlock` works (on this station's copy: the lock-out is counted where the PINs were typed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.db.models import Operator, utcnow
from app.db.uow import Database, UnitOfWork
from app.domain.codes import canonical
from app.domain.vocab import Role
from app.errors import CentralUnavailable, DatabaseUnavailable, InvalidState, NotFound
from app.review.access import require_admin, require_supervisor
from app.services import operators
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.views import OperatorView

ROLES = tuple(role.value for role in Role)
_MANAGED_BY_ADMINS = frozenset({Role.SUPERVISOR.value, Role.ADMIN.value})


@dataclass(frozen=True)
class OperatorRow:
    id: int
    badge: str
    name: str
    role: str
    active: bool
    locked_until: datetime | None  # only while the lock holds
    has_pin: bool  # False: they choose a PIN at the next sign-in
    failed_pins: int = 0  # wrong PINs in a row so far


def operator_row(row: Operator, now: datetime | None = None) -> OperatorRow:
    until = row.locked_until
    if until is not None and until <= (now or datetime.now(UTC)):
        until = None
    return OperatorRow(row.id, row.badge, row.name, row.role, bool(row.active), until,
                       row.pin_hash is not None, row.failed_pins or 0)


def list_operators(uow: UnitOfWork, now: datetime | None = None) -> list[OperatorRow]:
    """Every operator, active ones first, by badge."""
    rows = uow.session.scalars(select(Operator).order_by(Operator.active.desc(), Operator.badge))
    return [operator_row(row, now) for row in rows]


def _find(uow: UnitOfWork, badge: str) -> Operator:
    badge = badge.strip()
    row = uow.session.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
    if row is None:
        raise NotFound(f"No operator has badge {badge}. Check the badge, or add it first "
                       f"(`returns-desk operators add {badge} NAME`).")
    return row


def _may_manage(uow: UnitOfWork, by: OperatorView, target: Operator, verb: str) -> Operator:
    """The caller's row, if they may change `target`'s account: a supervisor, or an admin for a supervisor
    or admin account. `verb` reads before the account: "deactivate", "reset the PIN of"."""
    if target.role in _MANAGED_BY_ADMINS:
        return require_admin(uow, by, f"{verb} a {target.role} ({target.badge})")
    return require_supervisor(uow, by, f"{verb} operators")


def _snapshot(row: Operator) -> dict[str, Any]:
    """What the audit keeps of an account: never the PIN hash, only whether there is one."""
    return {"badge": row.badge, "name": row.name, "role": row.role, "active": bool(row.active),
            "has_pin": row.pin_hash is not None, "failed_pins": row.failed_pins or 0,
            "locked_until": row.locked_until.isoformat() if row.locked_until else None}


def _audit(uow: UnitOfWork, ctx: StationContext, by: OperatorView, action: str, row: Operator,
           before: dict[str, Any] | None) -> None:
    row.updated_at = utcnow()  # always: a station pulls the row (e.g. an unlock) by updated_at
    uow.session.flush()
    record_event(uow, ctx, by.id, action, None, detail=f"badge {row.badge} ({row.name}) by {by.badge}",
                 before=before, after=_snapshot(row))


def add_operator(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str, name: str,
                 role: str = Role.WORKER.value) -> OperatorRow:
    """A new operator without a PIN: they choose one at their first sign-in."""
    role = _checked_role(role)
    if role in _MANAGED_BY_ADMINS:
        require_admin(uow, by, f"add a {role}")
    else:
        require_supervisor(uow, by, "add operators")
    badge, name = _checked_badge(ctx, badge), " ".join(name.split())
    if not name or len(name) > 80:
        raise InvalidState("Type the operator's name (1 to 80 characters), as it should show on screen.")
    existing = uow.session.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
    if existing is not None:
        state = ("active" if existing.active
                 else f"deactivated: reactivate it (`returns-desk operators reactivate {badge}`)")
        raise InvalidState(f"Badge {badge} already belongs to {existing.name} ({state}). Use another badge.")
    row = Operator(badge=badge, name=name, role=role, pin_hash=None, active=True, failed_pins=0)
    uow.session.add(row)
    _audit(uow, ctx, by, "operator_added", row, None)
    return operator_row(row, ctx.clock.now())


def _checked_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise InvalidState(f"Role '{role}' is not known: use one of {', '.join(ROLES)}.")
    return role


def _checked_badge(ctx: StationContext, badge: str) -> str:
    badge = badge.strip()
    pattern = re.compile(ctx.badge_pattern)
    seen = canonical(badge, pattern)
    if seen is None or len(seen) > 40:
        raise InvalidState(f"Badge '{badge}' could never be scanned at sign-in here: a badge must match "
                           f"{pattern.pattern} (the stations' badge_pattern setting), e.g. B1001.")
    return seen


def deactivate(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str) -> OperatorRow:
    """The badge no longer signs in; the operator's history stays."""
    row = _find(uow, badge)
    if row.id == by.id:
        raise InvalidState("You cannot deactivate your own badge: ask another supervisor.")
    _may_manage(uow, by, row, "deactivate")
    if row.role == Role.ADMIN and _active_admins(uow) <= 1 and row.active:
        raise InvalidState(f"{row.name} is the last active admin: make another operator admin first.")
    return _set(uow, ctx, by, row, "operator_deactivated", active=False)


def reactivate(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str) -> OperatorRow:
    row = _find(uow, badge)
    _may_manage(uow, by, row, "reactivate")
    return _set(uow, ctx, by, row, "operator_reactivated", active=True)


def reset_pin(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str) -> OperatorRow:
    """The PIN is forgotten: the operator chooses a new one at the next sign-in (a lock-out is lifted too)."""
    row = _find(uow, badge)
    _may_manage(uow, by, row, "reset the PIN of")
    return _set(uow, ctx, by, row, "pin_reset", pin_hash=None, failed_pins=0, locked_until=None)


def unlock(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str) -> OperatorRow:
    """Lift a lock-out after wrong PINs (any supervisor, for any badge: it gives no access by itself)."""
    row = _find(uow, badge)
    require_supervisor(uow, by, "unlock badges")
    return _set(uow, ctx, by, row, "badge_unlocked", failed_pins=0, locked_until=None)


def change_role(uow: UnitOfWork, ctx: StationContext, by: OperatorView, badge: str, role: str) -> OperatorRow:
    require_admin(uow, by, "change roles")
    role = _checked_role(role)
    row = _find(uow, badge)
    if row.role == Role.ADMIN and role != Role.ADMIN and row.active and _active_admins(uow) <= 1:
        raise InvalidState(f"{row.name} is the last active admin: make another operator admin first.")
    return _set(uow, ctx, by, row, "role_changed", role=role)


def _set(uow: UnitOfWork, ctx: StationContext, by: OperatorView, row: Operator, action: str,
         **values: Any) -> OperatorRow:
    before = _snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    _audit(uow, ctx, by, action, row, before)
    return operator_row(row, ctx.clock.now())


def _active_admins(uow: UnitOfWork) -> int:
    return uow.session.scalar(
        select(func.count()).select_from(Operator).where(Operator.role == Role.ADMIN, Operator.active.is_(True))
    ) or 0


Change = Callable[[UnitOfWork], OperatorRow]


class OperatorDesk:
    """The operator functions bound to where operators are kept (see the module text). One unit of work a call.

    `central` is the central database in station mode (the station's `db` then is its own file), else None.
    """

    def __init__(self, db: Database, ctx: StationContext, central: Database | None = None) -> None:
        self.db = db
        self.ctx = ctx
        self.central = central

    def list_operators(self) -> list[OperatorRow]:
        with self.db.unit_of_work(read_only=True) as uow:  # this station's copy: where sign-in is checked
            return list_operators(uow, self.ctx.clock.now())

    def add_operator(self, by: OperatorView, badge: str, name: str, role: str = Role.WORKER.value) -> OperatorRow:
        return self._change(lambda uow: add_operator(uow, self.ctx, by, badge, name, role))

    def deactivate(self, by: OperatorView, badge: str) -> OperatorRow:
        return self._change(lambda uow: deactivate(uow, self.ctx, by, badge))

    def reactivate(self, by: OperatorView, badge: str) -> OperatorRow:
        return self._change(lambda uow: reactivate(uow, self.ctx, by, badge))

    def reset_pin(self, by: OperatorView, badge: str) -> OperatorRow:
        return self._change(lambda uow: reset_pin(uow, self.ctx, by, badge))

    def unlock(self, by: OperatorView, badge: str) -> OperatorRow:
        return self._change(lambda uow: unlock(uow, self.ctx, by, badge), local_if_offline=True)

    def change_role(self, by: OperatorView, badge: str, role: str) -> OperatorRow:
        return self._change(lambda uow: change_role(uow, self.ctx, by, badge, role))

    def set_first_pin(self, badge: str, pin: str) -> OperatorView:
        """The PIN an operator chooses at first sign-in (or after a reset), kept where the account is kept, so
        every station's next pull has it. Offline it is set on this station only (sign-in works here)."""
        if self.central is not None:
            try:
                done = self._on_central(lambda uow: _first_pin(uow, self.ctx, badge, pin))
            except DatabaseUnavailable:  # CentralUnavailable, or the unit of work's own word for it
                pass  # this station's copy below; the other stations ask for a PIN until it is set centrally
            else:
                copy_operator_to_station(self.central, self.db, done.id)
                return OperatorView(done.id, done.badge, done.name, done.role)
        with self.db.unit_of_work() as uow:
            return operators.set_first_pin(uow, self.ctx, badge, pin)

    def _change(self, change: Change, *, local_if_offline: bool = False) -> OperatorRow:
        if self.central is None:
            with self.db.unit_of_work() as uow:
                return change(uow)
        try:
            done = self._on_central(change)
        except DatabaseUnavailable as exc:  # CentralUnavailable, or the unit of work's own word for it
            if not local_if_offline:
                raise CentralUnavailable(
                    f"Operators are kept in the central database, which cannot be reached now, so nothing was "
                    f"changed: try again when it is back (a lock-out can still be lifted here). ({exc})"
                ) from exc
            with self.db.unit_of_work() as uow:  # this station's lock: lifted here, where it was counted
                return change(uow)
        copy_operator_to_station(self.central, self.db, done.id)
        return done

    def _on_central(self, change: Change) -> OperatorRow:
        from app.sync.central import plain_errors

        assert self.central is not None
        with plain_errors(self.central), self.central.unit_of_work() as uow:
            return change(uow)


def _first_pin(uow: UnitOfWork, ctx: StationContext, badge: str, pin: str) -> OperatorRow:
    view = operators.set_first_pin(uow, ctx, badge, pin)
    row = uow.session.get(Operator, view.id)
    assert row is not None
    return operator_row(row, ctx.clock.now())


def copy_operator_to_station(central: Database, station: Database, operator_id: int) -> None:
    """Replace the station's copy of one operator with the central row (as the next pull would)."""
    from app.sync.central import plain_errors
    from app.sync.pull import store_operators

    table = Operator.__table__
    with plain_errors(central), central.engine.connect() as conn:
        found = conn.execute(select(table).where(table.c.id == operator_id)).mappings().one_or_none()
    if found is None:  # pragma: no cover - it was just written there
        raise NotFound("The operator just changed is not in the central database: try again.")
    with station.engine.begin() as conn:
        store_operators(conn, [dict(found)])
