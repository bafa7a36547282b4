"""The composition root: one place that builds a station from its settings.

The window, the command line, the benchmarks and the scripts all get the station's database (migrated, with
the outbox on in station mode), its context (the site's rules, checklists, routing and printers) and its
services from here, so no two of them can disagree about what a station is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.domain.rules_check import Configuration, load_configuration
from app.printing.setup import print_setup_from
from app.services.context import Clock, StationContext, SystemClock
from app.services.desk import Desk
from app.services.finalize import heal_lpn_counter
from app.sync.central import central_url
from app.sync.modes import open_station_database, rules_folders

if TYPE_CHECKING:
    from app.services.print_loop import PrintQueue

log = logging.getLogger(__name__)


def open_database(settings: Settings) -> Database:
    """The database this station works on for its mode, migrated to the current schema, its LPN counter
    checked (refused if the file lost this station's LPNs, healed if behind its records)."""
    db = open_station_database(settings)  # standalone / station (outbox on) / direct
    try:
        migrate.ensure_current(db)
        with db.unit_of_work() as uow:
            healed = heal_lpn_counter(uow, settings.station_id)
    except Exception:
        db.dispose()
        raise
    if healed is not None:
        log.warning("LPN counter of %s was behind its records: moved to %d", settings.station_id, healed)
    return db


def load_site_configuration(settings: Settings) -> Configuration:
    """The shipped rules and checklists with the site's folders (own, or last pulled from central) on top."""
    return load_configuration(*rules_folders(settings))


def station_context(settings: Settings, *, station_id: str | None = None, configuration: Configuration | None = None,
                    clock: Clock | None = None, local_today: Callable[[], date] | None = None) -> StationContext:
    """Everything a service needs to know about the station: id, rules, code patterns, printers, routing."""
    return StationContext(
        station_id or settings.station_id,
        configuration or load_site_configuration(settings),
        settings.rma_pattern,
        settings.badge_pattern,
        clock=clock or SystemClock(),
        local_today=local_today or _today,
        printing=print_setup_from(settings),
    )


@dataclass
class Station:
    settings: Settings
    db: Database
    ctx: StationContext
    desk: Desk = field(init=False)
    _central: Database | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        first_pin = None
        if self.settings.mode == "station" and self.settings.central_db:
            from app.review.operators_admin import OperatorDesk
            from app.sync.central import open_central

            self._central = open_central(self.settings)  # connects only when a first PIN is set
            first_pin = OperatorDesk(self.db, self.ctx, self._central).set_first_pin
        self.desk = Desk(self.db, self.ctx, first_pin)

    def print_queue(self) -> PrintQueue:
        """The print loop's side of the queue, on the station's own database (so its progress syncs)."""
        from app.services.print_loop import PrintQueue  # the renderers behind it load with the first print

        return PrintQueue(self.db, self.ctx)

    def central_database(self) -> Database | None:
        """The central database in station mode (for the sync loop), else None."""
        return Database(central_url(self.settings)) if self.settings.mode == "station" else None

    def close(self) -> None:
        self.db.dispose()
        if self._central is not None:
            self._central.dispose()


def build_station(settings: Settings, *, clock: Clock | None = None,
                  local_today: Callable[[], date] | None = None) -> Station:
    db = open_database(settings)
    try:
        ctx = station_context(settings, clock=clock, local_today=local_today)
    except Exception:
        db.dispose()
        raise
    return Station(settings, db, ctx)


def _today() -> date:
    return datetime.now().date()
