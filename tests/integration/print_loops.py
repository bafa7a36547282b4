"""A print loop in its own process, as `returns-desk print-queue --run` beside the station's window: its own
engine on the station's SQLite file, the outbox on (station mode), the real TCP transport."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.synchronize import Event

from app.db.uow import Database
from app.domain.rules_check import load_configuration
from app.printing.setup import print_setup
from app.services.context import FixedClock, StationContext
from app.services.print_loop import PrintQueue
from app.sync.outbox import enable_outbox


def run_print_loop(url: str, printer_spec: str, now: datetime, start: Event) -> int:
    """Waits for `start`, then prints until nothing is due; returns how many jobs this loop processed."""
    db = Database(url)
    enable_outbox(db)
    printing = print_setup(f"zebra={printer_spec}", "zebra", "zebra")
    ctx = StationContext("D01", load_configuration(), clock=FixedClock(now), printing=printing)
    queue = PrintQueue(db, ctx)
    start.wait()
    total = 0
    try:
        while count := queue.process_due():
            total += count
    finally:
        db.dispose()
    return total
