"""Who runs a supervisor command: a badge from --by and its PIN from the terminal (never an argument, so it
is not in the shell history or the process list) or from an environment variable for scripts."""

from __future__ import annotations

import getpass
import os
import sys

from app.db.uow import Database
from app.errors import SignInError
from app.services import operators
from app.services.context import StationContext
from app.services.views import OperatorView


def pin_for(badge: str, env: str = "RETURNS_DESK_PIN") -> str:
    pin = os.environ.get(env)
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise SignInError(f"No PIN for badge {badge}: run it in a terminal to be asked, or set {env}.")
    return getpass.getpass(f"PIN for badge {badge}: ")


def signed_in(db: Database, ctx: StationContext, badge: str, env: str = "RETURNS_DESK_PIN") -> OperatorView:
    """The operator behind `badge`, signed in with their PIN (wrong PINs count toward the lock-out)."""
    pin = pin_for(badge, env)
    with db.unit_of_work() as uow:
        return operators.sign_in(uow, ctx, badge, pin)
