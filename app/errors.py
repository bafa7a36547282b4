"""Typed errors of the core. Each says what is wrong and what to do, in words a dock worker or IT reads.

The UI shows `str(error)` in one place; the CLI prints it and exits non-zero.
"""

from __future__ import annotations


class ReturnsDeskError(Exception):
    """Base class: the message is meant for a person."""


class ConfigError(ReturnsDeskError):
    pass


class RulesError(ReturnsDeskError):
    """A rules or checklist file is malformed. Names the file, the key path or line, and the problem."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        super().__init__(f"{file}: {where}: {problem}")


class ImportRowError(ReturnsDeskError):
    """A CSV row could not be imported."""

    def __init__(self, file: str, row: int, column: str | None, problem: str) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        col = f", column '{column}'" if column else ""
        super().__init__(f"{file}, row {row}{col}: {problem}")


class SignInError(ReturnsDeskError):
    pass


class PermissionDenied(ReturnsDeskError):
    pass


class NotFound(ReturnsDeskError):
    pass


class DuplicateUnit(ReturnsDeskError):
    """The same physical unit was scanned again; carries the LPN it already has."""

    def __init__(self, message: str, lpn: str) -> None:
        self.lpn = lpn
        super().__init__(message)


class InvalidState(ReturnsDeskError):
    pass


class DatabaseUnavailable(ReturnsDeskError):
    pass


class PrintError(ReturnsDeskError):
    """A label or slip cannot be made or sent. Says which printer and what to check."""


class PrinterUnavailable(PrintError):
    """The printer did not take the job (off, out of paper, unreachable): the job waits and is retried."""


class WrongTote(InvalidState):
    """The scanned tote is not the one for the item's disposition; the item stays unconfirmed."""


class CentralUnavailable(DatabaseUnavailable):
    """The central database cannot be reached: the station keeps working and its changes wait to be sent."""


class SyncError(ReturnsDeskError):
    """The central database refused what a station sent or pulled; says what to fix."""


class SyncRefused(SyncError):
    """The central database refused this station's data or its user (a constraint, rights, password): IT fixes it;
    the changes wait in the outbox."""


class CentralNotAnswering(CentralUnavailable):
    """The central database (or the link to it) stopped answering within the round-trip bound: like unreachable,
    the station keeps working and its changes wait."""


class ChangeRefused(SyncRefused):
    """The central database refuses one change for good (a duplicate, a missing reference, a value it rejects):
    that change is set aside with `reason` (a few words) and the others keep flowing."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class CentralSchemaMismatch(SyncError):
    """The central schema and this station's version differ (a missing table or column, an unknown change kind):
    upgrade the one that is behind."""


UNEXPECTED = ("Something went wrong ({name}). What was saved before is safe. Try again; if it happens again, "
              "tell IT (details are in the log).")


def describe_error(error: BaseException) -> str:
    """Words for the screen: errors of the core already speak plainly; anything else is a bug."""
    if isinstance(error, ReturnsDeskError):
        return str(error)
    return UNEXPECTED.format(name=type(error).__name__)


class DatabaseFileGone(DatabaseUnavailable):
    """The station's database file was deleted or replaced under the running app: nothing more is written."""


class DatabaseFull(DatabaseUnavailable):
    """The disk holding the database is full: the step was not saved."""


class DatabaseReadOnly(DatabaseUnavailable):
    """The database file or its folder cannot be written (read-only disk or permissions)."""


class StationDatabaseReset(DatabaseUnavailable):
    """This station made LPNs before, but its database has no record of them (an empty or new file): no new
    LPN is made until IT restores the file or sets the counter."""


class StationAlreadyRunning(ReturnsDeskError):
    """Returns Desk already runs on this station and database: a second window, or a writing command while the
    window is open, would write the same station's data from two processes."""
