"""Today and this shift, as the dock counts them: from local midnight and from the latest shift start (local
time), handed to the board's queries as UTC instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta


@dataclass(frozen=True)
class Period:
    now: datetime
    day_start: datetime
    shift_start: datetime


def review_period(now: datetime, shift_starts: list[tuple[int, int]]) -> Period:
    """`now` is aware; a shift that started yesterday evening (22:00) is still this shift after midnight."""
    local = now.astimezone()
    midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    candidates = [midnight + timedelta(days=back, hours=h, minutes=m)
                  for back in (0, -1) for h, m in shift_starts]
    shift = max(c for c in candidates if c <= local)
    return Period(now, midnight.astimezone(now.tzinfo), shift.astimezone(now.tzinfo))
