"""Which database a station works on, by mode (docs/central-database.md)."""

from __future__ import annotations

from app.config import Settings
from app.db.uow import Database
from app.sync.central import central_url
from app.sync.outbox import enable_outbox


def open_station_database(settings: Settings) -> Database:
    """standalone: the local file; station: the local file with the outbox on; direct: the central database."""
    if settings.mode == "direct":
        return Database(central_url(settings))
    if settings.mode == "station":
        central_url(settings)  # fail at start-up, in words, when the central database is not configured
    db = Database(settings.db)
    if settings.mode == "station":
        enable_outbox(db)
    return db
