"""Which database a station works on, by mode (docs/central-database.md)."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.db.uow import Database
from app.sync.central import central_url
from app.sync.outbox import enable_outbox
from app.sync.site_files import pulled_folder


def open_station_database(settings: Settings) -> Database:
    """standalone: the local file; station: the local file with the outbox on; direct: the central database."""
    if settings.mode == "direct":
        return Database(central_url(settings))
    if settings.mode == "station":
        central_url(settings)  # fail at start-up, in words, when the central database is not configured
    db = Database(settings.db)
    track_changes(db, settings)
    return db


def track_changes(db: Database, settings: Settings) -> None:
    """In station mode the local database's changes go to its outbox, whoever writes them (window, print
    thread, CLI): every `Database` opened on the same file from then on writes the outbox too."""
    if settings.mode == "station":
        enable_outbox(db)


def rules_folders(settings: Settings) -> tuple[Path | None, Path | None]:
    """The station's own site folders; in station mode, else the ones last pulled from the central database."""
    own = (Path(settings.rules_dir) if settings.rules_dir else None,
           Path(settings.checklists_dir) if settings.checklists_dir else None)
    if settings.mode != "station":
        return own
    return own[0] or pulled_folder("rules"), own[1] or pulled_folder("checklists")
