"""A failed start in words: what is wrong and what to do, for the dialog the window shows instead of a
traceback (ui/main.py). The traceback itself goes to the log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DatabaseError, OperationalError

from app.config import Settings
from app.errors import ReturnsDeskError

TITLE = "Returns Desk cannot start"
HELP = ("\n\nThe station did not start. `returns-desk doctor` checks this station and says what to fix; "
        "the log is in {log}.")


def startup_failure_words(error: BaseException, settings: Settings | None, log_folder: Path) -> str:
    """The dialog's text for an error raised while the station was being built."""
    return _what(error, settings) + HELP.format(log=log_folder)


def _what(error: BaseException, settings: Settings | None) -> str:
    if isinstance(error, ReturnsDeskError):
        return str(error)
    if isinstance(error, (OperationalError, OSError)) and settings is not None:
        from app.db.engine import describe_url
        from app.db.failures import database_failure
        from app.db.identity import sqlite_file

        words = str(database_failure(error, describe_url(settings.db), sqlite_file(settings.db)))
        return words.replace("This step was not saved; nothing saved before is lost. ", "")
    if isinstance(error, DatabaseError) and settings is not None:  # "file is not a database", malformed
        from app.db.engine import describe_url

        return (f"The database ({describe_url(settings.db)}) is not a Returns Desk database or is damaged "
                f"({getattr(error, 'orig', error)}). Check the db setting; if it is the station's own file, "
                "restore the latest backup next to it (docs/doctor-and-logs.md).")
    return (f"Something went wrong while starting ({type(error).__name__}: {error}). Nothing saved before is lost. "
            "Tell IT: run `returns-desk doctor --bundle returns-desk-support.zip` and send them the file.")

