"""One sync round (pull, then push) with its outcome recorded, and the background loop with backoff.

No Qt here: the UI wraps `SyncLoop` in ui/sync_worker.py; `returns-desk sync --once` calls `sync_once`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select

from app.db.models import SyncConflict
from app.db.uow import Database
from app.errors import CentralNotAnswering, CentralSchemaMismatch, CentralUnavailable, ReturnsDeskError, SyncRefused
from app.services.context import StationContext
from app.sync import fleet, state
from app.sync.backfill import backfill_if_never_done
from app.sync.pull import PullResult, pull_once
from app.sync.pull_items import ItemsPulled, follow_conflicts, pull_items
from app.sync.push import PushResult, SetAside, push_once, record_attempt, set_aside_summary, waiting_in
from app.sync.site_files import site_dir, write_pulled_files

log = logging.getLogger("returns_desk.sync")
MAX_BACKOFF_S = 300.0


class SyncErrorKind(StrEnum):
    """What kind of problem stopped the last sync round, from the error's type (never from its text)."""

    UNREACHABLE = "unreachable"  # the central database cannot be reached: work continues, changes wait
    TIMED_OUT = "timed_out"  # it (or the link) stopped answering within the bound: like unreachable
    REFUSED = "refused"  # it refused the station's data or user (rights, password, constraint): IT fixes it
    SCHEMA = "schema"  # its schema and this version differ: upgrade the one that is behind
    OTHER = "other"  # any other server error, or a bug (details in the log)


def error_kind(error: BaseException) -> SyncErrorKind:
    if isinstance(error, CentralNotAnswering):
        return SyncErrorKind.TIMED_OUT
    if isinstance(error, CentralUnavailable):
        return SyncErrorKind.UNREACHABLE
    if isinstance(error, SyncRefused):
        return SyncErrorKind.REFUSED
    if isinstance(error, CentralSchemaMismatch):
        return SyncErrorKind.SCHEMA
    return SyncErrorKind.OTHER


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar and `sync status` show."""

    waiting: int
    last_sync_at: datetime | None
    last_error: str | None
    conflicts: int
    error_kind: SyncErrorKind | None = None  # set with last_error: what the UI switches on
    failing_since: datetime | None = None  # the first failed round since the last one that worked
    set_aside: SetAside | None = None  # changes the central database refused for good

    def describe(self) -> str:
        last = f"last sync {self.last_sync_at.astimezone():%H:%M:%S}" if self.last_sync_at else "never synced"
        text = f"Sync: {last}, {self.waiting:,} waiting"
        if self.conflicts:
            text += f", {self.conflicts} conflict(s) logged"
        return text

    def failing_for(self, now: datetime | None = None) -> str:
        """How long rounds have failed, in short words ("3 min"), or "" when they have not."""
        if self.failing_since is None:
            return ""
        seconds = max(0, int(((now or datetime.now(UTC)) - self.failing_since).total_seconds()))
        if seconds < 60:
            return f"{seconds} s"
        return f"{seconds // 60} min" if seconds < 3600 else f"{seconds // 3600} h {seconds % 3600 // 60} min"


@dataclass(frozen=True)
class SyncReport:
    pulled: PullResult
    pushed: PushResult
    items: ItemsPulled | None = None  # this station's items changed centrally, taken this round


def read_status(local: Database) -> SyncStatus:
    with local.engine.connect() as conn:
        conflicts = int(conn.execute(select(func.count()).select_from(SyncConflict)).scalar_one())
        last_error = state.read(conn, "last_error") or None
        kind = state.read(conn, "last_error_kind") or SyncErrorKind.OTHER
        return SyncStatus(
            waiting=waiting_in(conn),
            last_sync_at=state.read_time(conn, "last_sync_at"),
            last_error=last_error,
            conflicts=conflicts,
            error_kind=SyncErrorKind(kind) if last_error else None,
            failing_since=state.read_time(conn, "failing_since") if last_error else None,
            set_aside=set_aside_summary(conn),
        )


def sync_once(local: Database, central: Database, station_id: str,
              should_stop: Callable[[], bool] = lambda: False, site_folder: Path | None = None,
              ctx: StationContext | None = None, min_version: str = "") -> SyncReport:
    """Pull master data and this station's items changed centrally, then push the outbox. Records the outcome
    (and any error, in words) in sync_state.

    Pulled site rules/checklists are written to `site_folder` (default: the data folder's `site/`). Items changed
    centrally are pulled only with `ctx` (the station's printers and rules), so the floor follows: relabel +
    slip queued here, tote moved (app/sync/pull_items.py).

    First the fleet checks (app/sync/fleet.py): a central schema this version knows, this station's claim on its
    id, its version not below `min_version`; last, the round's report to the fleet view."""
    try:
        fleet.before_round(local, central, station_id, min_version)
        pulled = pull_once(local, central, should_stop=should_stop)
        if pulled.rows.get("site_file"):
            write_pulled_files(local, site_folder or site_dir())
        # Without the station's printers and rules the floor could not follow: items wait for a round with ctx.
        items = pull_items(local, central, station_id, ctx) if ctx is not None else None
        backfill_if_never_done(local)  # a station's first round: what it made before the outbox was on
        pushed = push_once(local, central, station_id, should_stop=should_stop)
        if ctx is not None and pushed.conflicts:
            follow_conflicts(local, ctx, pushed.conflicts)
    except ReturnsDeskError as exc:
        _record(local, error=exc)
        if fleet.worth_reporting(exc):
            fleet.report_round(local, central, station_id, exc, error_kind(exc))
        raise
    _record(local, error=None)
    fleet.report_round(local, central, station_id)
    return SyncReport(pulled, pushed, items)


def _record(local: Database, error: BaseException | None, text: str | None = None) -> None:
    """The round's outcome: its time when it worked, else the error in words (`text`, default str(error)) and
    since when rounds fail. Retried while the station's work holds the lock; if it still cannot be written, it
    is logged and the round's own outcome (the real error) still reaches the caller."""
    try:
        state.retry_locked(_write_outcome, local, error, text)
    except Exception:
        log.exception("could not record the sync outcome (%s)", "ok" if error is None else error_kind(error))


def _write_outcome(local: Database, error: BaseException | None, text: str | None) -> None:
    now = datetime.now(UTC).isoformat()
    with local.engine.begin() as conn:
        if error is None:
            state.write(conn, "last_sync_at", now)
        state.write(conn, "last_error", "" if error is None else text or str(error))
        state.write(conn, "last_error_kind", "" if error is None else error_kind(error))
        if error is None or not state.read(conn, "failing_since"):
            state.write(conn, "failing_since", "" if error is None else now)
        if error is not None:  # every failed round counts on the changes that wait for it
            record_attempt(conn, text or str(error))


class SyncLoop:
    """Runs `sync_once` every `interval_s` on its own thread; after a failure waits longer each time (≤ 5 min)."""

    def __init__(self, local: Database, central: Database, station_id: str, interval_s: float,
                 on_status: Callable[[SyncStatus], None], ctx: StationContext | None = None,
                 min_version: str = "") -> None:
        self.local, self.central, self.station_id, self.ctx = local, central, station_id, ctx
        self.min_version = min_version
        self.interval_s = interval_s
        self.on_status = on_status
        self.failures = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Sync now (e.g. right after an item was finalized) instead of at the next interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval_s
        return min(self.interval_s * 2 ** min(self.failures, 10), MAX_BACKOFF_S)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_round()
            self._wake.wait(self.next_delay())
            self._wake.clear()

    def run_round(self) -> None:
        try:
            report = sync_once(self.local, self.central, self.station_id, should_stop=self._stop.is_set,
                               ctx=self.ctx, min_version=self.min_version)
            self.failures = 0
            if report.pulled.total or report.pushed.sent or report.pushed.conflicts:  # IT asks what went up
                log.info("sync round: pulled %d master-data rows, pushed %d changes, %d conflicts",
                         report.pulled.total, report.pushed.sent, len(report.pushed.conflicts))
        except CentralUnavailable as exc:
            self.failures += 1  # said once at WARNING; while it lasts, each retry at INFO
            log.log(logging.WARNING if self.failures == 1 else logging.INFO, "central database %s: %s",
                    error_kind(exc), exc)
        except ReturnsDeskError as exc:
            self.failures += 1
            log.warning("sync %s: %s", error_kind(exc), exc)
        except Exception as exc:  # a bug must not kill the loop: log it, say it, try again later
            self.failures += 1
            log.exception("sync failed unexpectedly")
            _record(self.local, exc, f"Sync failed ({type(exc).__name__}); details are in the log. "
                                     "Work continues; changes wait and are sent later.")
        try:
            self.on_status(read_status(self.local))
        except Exception:
            log.exception("could not read the sync status")
