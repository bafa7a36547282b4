"""The one place that turns an error into words on the screen (the wording lives in the core).

Errors of the core already speak plainly; anything else is a bug: it is logged with its traceback and the
worker is told that the work is saved and whom to call.
"""

from __future__ import annotations

import logging

from app.errors import ReturnsDeskError
from app.errors import describe_error as words_for

log = logging.getLogger("returns_desk.ui")


def describe_error(error: BaseException) -> str:
    if not isinstance(error, ReturnsDeskError):
        log.error("unexpected error", exc_info=error)
    return words_for(error)
