"""What every service needs to know about the station it runs on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from app.domain.rules_check import Configuration
from app.printing.setup import PrintSetup, default_print_setup


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """For tests and demo history."""

    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass
class StationContext:
    station_id: str
    configuration: Configuration
    rma_pattern: str = r"^RMA\d{6,}$"
    badge_pattern: str = r"^B\d{4,}$"
    clock: Clock = field(default_factory=SystemClock)
    local_today: Callable[[], date] = field(default=lambda: datetime.now().date())
    # Printers, label/slip stock and disposition routing (issue 4); default: save jobs as files.
    printing: PrintSetup = field(default_factory=default_print_setup)
