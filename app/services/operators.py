"""Sign-in by badge and PIN, with the lock-out. PINs are compared against scrypt hashes and never logged.

Five wrong PINs in a row lock the badge for five minutes (audited `badge_locked`, with the badge, never the
PIN); a right PIN clears the count. A supervisor lifts a lock at once (app/review/operators_admin.py `unlock`:
the Operators screen, or `returns-desk operators unlock BADGE`). The count and the lock live on the operator
row of the database the station signs in against: in station mode the station's own file, so sign-in works
offline (a central unlock reaches it with the next pull, app/sync/pull.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.models import Operator
from app.db.uow import UnitOfWork
from app.errors import SignInError
from app.security import check_pin_format, hash_pin, verify_pin
from app.services.audit import record_event
from app.services.context import StationContext
from app.services.views import OperatorView, operator_view

LOCK_AFTER = 5  # wrong PINs in a row
LOCK_FOR = timedelta(minutes=5)


def unlock_hint(badge: str) -> str:
    """Who can unlock a badge, and where: the words every lock message ends with."""
    return f"A supervisor can unlock it now: Operators screen, or `returns-desk operators unlock {badge}`."


def reset_hint(badge: str) -> str:
    return (f"Forgot it? A supervisor can reset it (Operators screen, or `returns-desk operators reset-pin "
            f"{badge}`); you then choose a new PIN here.")


@dataclass(frozen=True)
class BadgeStatus:
    badge: str
    name: str
    needs_new_pin: bool  # first sign-in (or after a reset): the operator chooses a PIN
    locked_until: datetime | None = None  # set while the badge is locked out


def _active_operator(uow: UnitOfWork, badge: str) -> Operator:
    badge = badge.strip()
    row = uow.session.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
    if row is None:
        raise SignInError(f"Badge {badge} is not registered at this site. Ask a supervisor to add it "
                          f"(Operators screen, or `returns-desk operators add {badge} NAME`).")
    if not row.active:
        raise SignInError(f"Badge {badge} is deactivated. Ask a supervisor to reactivate it "
                          f"(Operators screen, or `returns-desk operators reactivate {badge}`).")
    return row


def locked_until(row: Operator, now: datetime) -> datetime | None:
    """When the badge's lock ends, if it is locked now."""
    until = row.locked_until
    return until if until is not None and until > now else None


def locked_message(badge: str, until: datetime) -> str:
    return (f"Badge {badge} is locked until {until.astimezone():%H:%M} after {LOCK_AFTER} wrong PINs in a row. "
            f"Wait until then. {unlock_hint(badge)}")


def look_up_badge(uow: UnitOfWork, badge: str, now: datetime | None = None) -> BadgeStatus:
    row = _active_operator(uow, badge)
    until = locked_until(row, now or datetime.now(UTC))
    return BadgeStatus(row.badge, row.name, row.pin_hash is None, until)


def sign_in(uow: UnitOfWork, ctx: StationContext, badge: str, pin: str) -> OperatorView:
    row = _active_operator(uow, badge)
    now = ctx.clock.now()
    until = locked_until(row, now)
    if until is not None:  # the PIN is not even checked: guessing on does not help
        raise SignInError(locked_message(row.badge, until))
    if row.pin_hash is None:
        raise SignInError("No PIN is set for this badge yet: choose a new PIN first.")
    if not verify_pin(pin, row.pin_hash):
        message = _count_wrong_pin(uow, ctx, row, now)
        # The unit of work rolls back on the error raised below; the count and the audit must stay.
        uow.session.commit()
        raise SignInError(message)
    if row.failed_pins or row.locked_until is not None:
        row.failed_pins, row.locked_until = 0, None
    record_event(uow, ctx, row.id, "signed_in", None, detail=f"badge {row.badge}")
    return operator_view(row)


def _count_wrong_pin(uow: UnitOfWork, ctx: StationContext, row: Operator, now: datetime) -> str:
    """Count one wrong PIN (the fifth locks the badge) and say what happens next."""
    tries = (row.failed_pins or 0) + 1
    if tries < LOCK_AFTER:
        row.failed_pins = tries
        record_event(uow, ctx, row.id, "sign_in_failed", None, detail=f"badge {row.badge}, wrong PIN {tries}")
        left = LOCK_AFTER - tries
        return (f"Wrong PIN ({tries} of {LOCK_AFTER}). Type your PIN again; after {left} more wrong PIN(s) "
                f"the badge is locked for {LOCK_FOR.seconds // 60} minutes. {reset_hint(row.badge)}")
    # Counting starts again after the lock: the next five wrong PINs lock it again.
    row.failed_pins, row.locked_until = 0, now + LOCK_FOR
    record_event(uow, ctx, row.id, "badge_locked", None,
                 detail=f"badge {row.badge} locked for {LOCK_FOR.seconds // 60} minutes after "
                        f"{LOCK_AFTER} wrong PINs in a row",
                 after={"locked_until": row.locked_until.isoformat()})
    return (f"Wrong PIN, {LOCK_AFTER} times in a row: badge {row.badge} is locked until "
            f"{row.locked_until.astimezone():%H:%M}. {unlock_hint(row.badge)}")


def set_first_pin(uow: UnitOfWork, ctx: StationContext, badge: str, pin: str) -> OperatorView:
    row = _active_operator(uow, badge)
    if row.pin_hash is not None:
        raise SignInError(f"Badge {row.badge} already has a PIN: sign in with it. {reset_hint(row.badge)}")
    try:
        check_pin_format(pin)
    except ValueError as exc:
        raise SignInError(str(exc)) from None
    row.pin_hash = hash_pin(pin)
    row.failed_pins, row.locked_until = 0, None
    record_event(uow, ctx, row.id, "pin_set", None, detail=f"badge {row.badge}")
    return operator_view(row)
