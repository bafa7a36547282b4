"""The one place that turns an error into words on the screen.

Errors of the core already speak plainly; anything else is a bug: it is logged with its traceback and the
worker is told that the work is saved and whom to call.
"""

from __future__ import annotations

import logging

from app.errors import ReturnsDeskError

log = logging.getLogger("returns_desk.ui")


def describe_error(error: BaseException) -> str:
    if isinstance(error, ReturnsDeskError):
        return str(error)
    log.error("unexpected error", exc_info=error)
    return (
        f"Something went wrong ({type(error).__name__}). What was saved before is safe. "
        "Try again; if it happens again, tell IT (details are in the log)."
    )
