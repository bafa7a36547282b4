"""The supervisor's use cases in one facade, bound to where review data lives (ReviewSource): what the
supervisor's screens call. Reads come back with their Scope (site, or this station only and why); writes go
to the database that owns the item (this station's file with its outbox, or central for another station's).

Not thread-safe (ReviewSource is not): the window calls it from its one review lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.config import Settings, parse_shift_starts
from app.db.uow import Database
from app.errors import NotFound, PermissionDenied
from app.review import board, exceptions, overrides, record, resolutions, search
from app.review.access import require_supervisor
from app.review.operators_admin import OperatorDesk
from app.review.periods import Period, review_period
from app.review.recovery import load_recovery_rates
from app.review.source import ReviewSource, Scope
from app.review.stations import FleetPolicy
from app.services import operators
from app.services.context import StationContext
from app.services.views import ItemView, OperatorView
from app.sync.central import open_central
from app.sync.modes import rules_folders
from app.sync.runner import read_status

STATION_COPY = Scope(site=False, banner=None, source="this station's copy of the operators")


@dataclass(frozen=True)
class Reading:
    """A read's result and what it covers."""

    value: Any
    scope: Scope


class ReviewDesk:
    def __init__(self, station_db: Database, ctx: StationContext, settings: Settings,
                 source: ReviewSource | None = None) -> None:
        self.station_db, self.ctx, self.settings = station_db, ctx, settings
        self.source = source or ReviewSource(station_db, settings)
        self.shift_starts = parse_shift_starts(settings.shift_starts)
        self.rules_dir = rules_folders(settings)[0]  # the site's own folder, or the one pulled from central
        self.rates = load_recovery_rates(self.rules_dir)
        self.fleet = FleetPolicy.of(settings)
        # Operators are kept centrally in station mode (app/review/operators_admin.py).
        self._central = open_central(settings) if settings.mode == "station" and settings.central_db else None
        self.operator_desk = OperatorDesk(station_db, ctx, self._central)
        self.reader: OperatorView | None = None  # the supervisor reading (start)

    def start(self, operator: OperatorView) -> None:
        """Who reads: checked in the core (the station's copy of the operator), so a worker's call is refused."""
        with self.station_db.unit_of_work(read_only=True) as uow:
            require_supervisor(uow, operator, "open the supervisor's board")
        self.reader = operator

    def _check_reader(self) -> None:
        if self.reader is None:
            raise PermissionDenied("Sign in with a supervisor badge to read the board.")

    def close(self) -> None:
        self.source.close()
        if self._central is not None:
            self._central.dispose()

    def period(self) -> Period:
        return review_period(self.ctx.clock.now(), self.shift_starts)

    # Reads ---------------------------------------------------------------------------------------------
    def board(self, station: str | None = None) -> Reading:
        self._check_reader()
        period = self.period()
        local_sync = read_status(self.station_db) if self.settings.mode == "station" else None
        figures, scope = self.source.read(lambda uow, _scope: board.board_figures(
            uow, period.now, period.day_start, period.shift_start, station, self.rates,
            this_station=self.ctx.station_id, local_sync=local_sync, fleet=self.fleet))
        return Reading(figures, scope)

    def find_items(self, filter: search.ItemFilter) -> Reading:
        self._check_reader()
        rows, scope = self.source.read(lambda uow, _scope: search.find_items(uow, filter))
        return Reading(rows, scope)

    def find_by_code(self, code: str) -> uuid.UUID | None:
        self._check_reader()
        found, _scope = self.source.read(lambda uow, _scope: search.find_by_code(uow, code))
        return found

    def exceptions(self, station: str | None = None) -> Reading:
        self._check_reader()
        rows, scope = self.source.read(lambda uow, _scope: exceptions.open_exceptions(uow, station))
        return Reading(rows, scope)

    def record(self, item_id: uuid.UUID) -> record.ItemRecord:
        self._check_reader()
        found, _scope = self.source.read(lambda uow, scope: record.item_record(uow, self.ctx, item_id, scope))
        return found

    def preview_identify(self, item_id: uuid.UUID, station_id: str, sku: str) -> str:
        """The decision the rules would make for the unknown item as `sku`, in words, before it is accepted."""
        self._check_reader()
        db = self.source.writer_for(station_id)
        with db.unit_of_work(read_only=True) as uow:
            decision = resolutions.preview_identify(uow, self.ctx, item_id, sku)
        why = "; ".join(rule.why for rule in (*decision.grade.fired, *decision.disposition.fired))
        return f"As {sku}: grade {decision.grade.grade}, {decision.disposition.disposition.value} — {why}"

    def operators(self) -> Reading:
        """This station's copy of the operators: where its sign-in is checked."""
        self._check_reader()
        return Reading(self.operator_desk.list_operators(), STATION_COPY)

    def override_policy(self) -> overrides.OverridePolicy:
        return overrides.load_override_policy(self.rules_dir)

    # Writes --------------------------------------------------------------------------------------------
    def override(self, operator: OperatorView, item_id: uuid.UUID, station_id: str, grade: str | None,
                 disposition: str | None, reason: str, note: str,
                 approver: tuple[str, str] | None = None) -> ItemView:
        """`approver`: the second supervisor's (badge, PIN), signed in here so the PIN never leaves this call."""
        db = self.source.writer_for(station_id)
        policy = self.override_policy()
        with self.station_db.unit_of_work() as uow:  # PINs are checked where this station signs people in
            second = operators.sign_in(uow, self.ctx, *approver) if approver else None
        with db.unit_of_work() as uow:
            return overrides.override(uow, self.ctx, operator, item_id, grade, disposition, reason, note,
                                      approver=second, policy=policy)

    def resolve(self, operator: OperatorView, item_id: uuid.UUID, station_id: str, action: str, note: str,
                sku: str | None = None, disposition: str | None = None) -> ItemView:
        db = self.source.writer_for(station_id)
        with db.unit_of_work() as uow:
            return resolutions.resolve(uow, self.ctx, operator, item_id, action, note, sku, disposition)

    def item_station(self, item_id: uuid.UUID) -> str:
        found, _scope = self.source.read(lambda uow, _scope: _station_of(uow, item_id))
        return found


def _station_of(uow: Any, item_id: uuid.UUID) -> str:
    from app.db.models import ReturnItem

    station = uow.session.get(ReturnItem, item_id)
    if station is None:
        raise NotFound("That item is not in the database any more.")
    return str(station.station_id)
