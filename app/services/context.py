"""What every service needs to know about the station it runs on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Protocol

from app.domain.rules_check import Configuration

if TYPE_CHECKING:
    from app.printing.setup import PrintSetup


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


def _default_print_setup() -> PrintSetup:
    # Imported here: every service imports this module, and a service's import never needs printing.
    from app.printing.setup import default_print_setup

    return default_print_setup()


@dataclass
class StationContext:
    station_id: str
    configuration: Configuration
    rma_pattern: str = r"^RMA\d{6,}$"
    badge_pattern: str = r"^B\d{4,}$"
    clock: Clock = field(default_factory=SystemClock)
    local_today: Callable[[], date] = field(default=lambda: datetime.now().date())
    # Printers, label/slip stock and disposition routing (issue 4); default: save jobs as files.
    printing: PrintSetup = field(default_factory=_default_print_setup)
