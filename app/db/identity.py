"""The database file is the truth: notice when it is deleted or replaced under the running app, and when a
station that made LPNs before starts on an empty file.

SQLite keeps writing into a file that was deleted (the open descriptor still points at it), and a new
connection on the same path silently creates an empty one. So the file's identity (device, inode) is noted
when it is first seen, and every transaction (and every unit of work before it commits) checks it again: one
`stat`, a few microseconds. A mismatch stops all work with `DatabaseFileGone`.

A side file `<database>.station-id` is written when a station makes its first LPN in a file (and at start-up
for a file that already has some). Found next to a database with no LPN counter for that station, it means
the file was deleted, replaced or reset: LPNs would start again at 1 and repeat labels already stuck on
goods, so no LPN is made (`StationDatabaseReset`) until IT restores the file or sets the counter.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.errors import DatabaseFileGone, StationDatabaseReset

log = logging.getLogger(__name__)
MARKER_SUFFIX = ".station-id"


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL opens, or None (another engine, an in-memory or URI database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.query.get("uri") or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


class FileIdentity:
    """The (device, inode) of one database file, noted at first sight and checked at every transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None

    def check(self) -> None:
        """Raise DatabaseFileGone when the file at the path is not the one this process opened."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._seen is None:
                return  # not created yet: SQLite creates it at the first write
            raise DatabaseFileGone(self._gone_words("was deleted")) from None
        current = (st.st_dev, st.st_ino)
        if self._seen is None:
            self._seen = current
        elif current != self._seen:
            raise DatabaseFileGone(self._gone_words("was replaced by another file"))

    def _gone_words(self, what: str) -> str:
        return (
            f"The database file {self.path} {what} while Returns Desk was running. This step was not saved, "
            "and nothing more will be saved until the station is restarted with the right file. Close Returns "
            "Desk and call IT: restore the file from its backup (or put back the one that was moved), then "
            "start again."
        )


def marker_of(session: Session) -> Path | None:
    """The side file that remembers which stations made LPNs in the session's SQLite file (None: no file)."""
    bind = session.get_bind()
    path = sqlite_file(bind.engine.url.render_as_string(hide_password=False))
    return path.with_name(path.name + MARKER_SUFFIX) if path is not None else None


def stations_in(marker: Path) -> set[str]:
    try:
        return {line.strip() for line in marker.read_text(encoding="utf-8").splitlines() if line.strip()}
    except FileNotFoundError:
        return set()


def refuse_if_reset(session: Session, station_id: str) -> None:
    """Raise StationDatabaseReset when `station_id` made LPNs in this file before and its counter is gone."""
    marker = marker_of(session)
    if marker is None or station_id not in stations_in(marker):
        return
    database = marker.with_name(marker.name[: -len(MARKER_SUFFIX)])
    raise StationDatabaseReset(
        f"Station {station_id} has made LPNs before, but its database {database} has no record of them (the "
        "file was deleted, replaced or reset). No new LPN is made, so that no label is printed twice. Call IT: "
        "restore the database file from its backup; or set the counter above the last LPN this station printed "
        f"(the central database knows it) with `returns-desk --station {station_id} db seed-lpn NEXT`. "
        f"Only if starting over is intended (a demo, a new station) delete {marker}."
    )


def note_first_lpn(session: Session, station_id: str) -> None:
    """Remember, once the transaction commits, that `station_id` makes LPNs in this file."""
    marker = marker_of(session)
    if marker is not None:
        event.listen(session, "after_commit", lambda _s: remember_station(marker, station_id), once=True)


def remember_station(marker: Path, station_id: str) -> None:
    if station_id in stations_in(marker):
        return
    try:
        with marker.open("a", encoding="utf-8") as out:
            out.write(f"{station_id}\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:  # the record is committed; the marker is a safety net, so say it, do not fail
        log.warning("could not write %s (%s): a reset of this database would not be noticed", marker, exc)
