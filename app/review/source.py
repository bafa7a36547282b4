"""Where the supervisor's screens read from, and where their writes go (issue 10, part 1).

A supervisor reviews the whole site: in station mode the review reads the central database (all stations),
every round trip bounded by `central_timeout_s`, and falls back to this station's own database with a banner
when central cannot be reached. Standalone reads the local file (one station); direct mode works on central.
Writes on this station's items go to its own database (the outbox carries them); another station's items are
changed in the central database directly, which the conflict rule then lets win at that station.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.db.uow import Database, UnitOfWork
from app.errors import CentralUnavailable, ReturnsDeskError, SyncError
from app.sync.central import open_central, plain_errors

log = logging.getLogger(__name__)
T = TypeVar("T")
CENTRAL_WORDS = "central database (all stations)"
STATION_WORDS = "this station"
# After central failed, reads go straight to the station for this long: a board refreshing every few seconds
# must not wait for a connect timeout each time.
RETRY_CENTRAL_AFTER_S = 15.0
CAUSE_MAX = 160


@dataclass(frozen=True)
class Scope:
    """What a review read covers. `site`: every station's items; `banner`: why not, shown above the screen;
    `source`: in words; `station_only`: the database holds one station only by design (standalone)."""

    site: bool
    banner: str | None
    source: str
    station_only: bool = False


CENTRAL = Scope(site=True, banner=None, source=CENTRAL_WORDS)
STANDALONE = Scope(site=False, banner=None, source=STATION_WORDS, station_only=True)


def fallback_scope(cause: str) -> Scope:
    return Scope(site=False, banner=f"Central database unreachable: showing this station only ({cause})",
                 source=STATION_WORDS)


class ReviewSource:
    """`central`: the central database to use in station mode (default: opened from the settings when first
    needed, bounded). Not thread-safe: use it from one lane (the window's database lane, or the CLI)."""

    def __init__(self, station_db: Database, settings: Settings, central: Database | None = None,
                 retry_after_s: float = RETRY_CENTRAL_AFTER_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.station_db = station_db
        self.settings = settings
        self._central = central
        self._owns_central = central is None
        self._retry_after_s = retry_after_s
        self._clock = clock
        self._failed_at: float | None = None
        self._last_cause = ""

    @property
    def mode(self) -> str:
        return self.settings.mode

    def read(self, fn: Callable[[UnitOfWork, Scope], T]) -> tuple[T, Scope]:
        """Run `fn` on the database this mode reviews; in station mode, central first, this station if not."""
        if self.mode == "direct":  # the station's database is the central one
            return self._read_local(fn, CENTRAL), CENTRAL
        if self.mode != "station":
            return self._read_local(fn, STANDALONE), STANDALONE
        if not self._waiting_to_retry():
            try:
                return self._read_central(fn), CENTRAL
            except (CentralUnavailable, SyncError) as exc:
                self._note_failure(exc)
        scope = fallback_scope(self._last_cause)
        return self._read_local(fn, scope), scope

    def writer_for(self, station_id: str) -> Database:
        """The database a supervisor's change of an item of `station_id` is written to."""
        if self.mode != "station" or station_id == self.settings.station_id:
            return self.station_db
        if self._waiting_to_retry():
            raise self._cannot_change(station_id)
        central = self._central_db()
        try:
            with plain_errors(central), central.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (CentralUnavailable, SyncError) as exc:
            self._note_failure(exc)
            raise self._cannot_change(station_id) from exc
        self._failed_at = None
        return central

    def close(self) -> None:
        if self._central is not None and self._owns_central:
            self._central.dispose()
            self._central = None

    def _read_local(self, fn: Callable[[UnitOfWork, Scope], T], scope: Scope) -> T:
        with self.station_db.unit_of_work(read_only=True) as uow:
            return fn(uow, scope)

    def _read_central(self, fn: Callable[[UnitOfWork, Scope], T]) -> T:
        central = self._central_db()
        # A plain session, not unit_of_work(): driver errors must reach plain_errors raw to be typed.
        with plain_errors(central):
            session = central.sessions()
            try:
                result = fn(UnitOfWork(session), CENTRAL)
            finally:
                session.rollback()  # a read: nothing to commit
                session.close()
        self._failed_at = None
        return result

    def _central_db(self) -> Database:
        if self._central is None:
            self._central = open_central(self.settings)
        return self._central

    def _waiting_to_retry(self) -> bool:
        return self._failed_at is not None and self._clock() - self._failed_at < self._retry_after_s

    def _note_failure(self, exc: ReturnsDeskError) -> None:
        self._failed_at = self._clock()
        self._last_cause = short_cause(exc)
        log.info("review reads this station only: %s", exc)

    def _cannot_change(self, station_id: str) -> CentralUnavailable:
        return CentralUnavailable(
            f"This item was graded at station {station_id}, and only this station's items can be changed while "
            f"the central database is unreachable ({self._last_cause}). Try again when it is back, or change it "
            f"at station {station_id}.")


def short_cause(exc: BaseException) -> str:
    """The driver's own first line (what failed), else the first sentence of our message; short for a banner."""
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, DBAPIError):
        cause = cause.__cause__
    if isinstance(cause, DBAPIError) and cause.orig is not None:
        words = str(cause.orig).strip().splitlines()[0] if str(cause.orig).strip() else type(cause.orig).__name__
    else:
        words = str(exc).split(". ")[0]
    return words if len(words) <= CAUSE_MAX else words[: CAUSE_MAX - 1] + "…"
