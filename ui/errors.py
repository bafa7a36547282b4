"""The one place that turns an error into words on the screen (the wording lives in the core), and logs it.

Every failure is logged, classified by its type (the record's `error_kind` is the error's class name):
- trouble with the station's surroundings (database, printer, central server, settings): a warning;
- a refusal of what the worker did (unknown RMA, unit already graded, wrong PIN): an info line;
- anything else is a bug: an error with its traceback, and the worker is told that the work is saved and
  whom to call.
"""

from __future__ import annotations

import logging

from app.errors import (
    ConfigError,
    DatabaseUnavailable,
    PrintError,
    ReturnsDeskError,
    RulesError,
    SyncError,
)
from app.errors import describe_error as words_for

log = logging.getLogger("returns_desk.ui")

# Errors of the core that say the station's surroundings need looking at (not the worker's input).
SURROUNDINGS = (DatabaseUnavailable, PrintError, SyncError, ConfigError, RulesError)


def describe_error(error: BaseException, what: str = "background operation failed",
                   logger: logging.Logger = log) -> str:
    """Words for the screen; the failure is logged too (`what` failed), classified by its type."""
    log_failure(logger, what, error)
    return words_for(error)


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    kind = type(error).__name__
    extra = {"error_kind": kind}
    if isinstance(error, SURROUNDINGS):
        logger.warning("%s (%s): %s", what, kind, error, extra=extra)
    elif isinstance(error, ReturnsDeskError):
        logger.info("%s (%s): %s", what, kind, error, extra=extra)
    else:
        logger.error("%s (%s, a bug): %s", what, kind, error, exc_info=error, extra=extra)
