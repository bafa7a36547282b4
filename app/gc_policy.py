"""The interpreter settings a station process runs with, in one place: the window (ui/main.tune_runtime) and the
benchmarks that stand in for it (bench/bench_station_file.py) apply the same, so a benchmark measures what the
station lives with (issue 12).

- `gc.freeze()` once start-up is done: everything loaded by then (modules, the SQLAlchemy mappers and compiled
  statement cache, the site configuration) lives until exit, so the collector's full (generation-2) passes stop
  walking it. Without it a full pass took 36–94 ms on the station file's save, the save's worst case.
- Full passes at an idle moment instead of inside a save: the print thread calls `collect_if_due` after each
  pass (app/services/print_loop.py), which runs the full pass once GEN2_THRESHOLD generation-1 passes have
  happened (CPython's own rule: 10). The interpreter's automatic full pass stays, ten times rarer, as the bound
  when no print thread runs (the CLI). What a save allocates is short-lived and freed by reference counting or a
  young pass; a full pass finds next to nothing, but it stops every thread while it walks what is not frozen.
- A 1 ms thread switch interval: background threads (sync, printing, serial) hand the interpreter back to the
  GUI thread within 1 ms instead of 5 ms.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
GEN2_THRESHOLD = 100  # generation-1 passes before `collect_if_due` runs a full pass (CPython's automatic: 10)
GEN2_BACKSTOP = 1000  # the interpreter's own full pass, for a process where nothing calls collect_if_due


def tune_gc() -> None:
    """Freeze what start-up made and leave full collections to idle moments. Call once, when start-up is done."""
    gc.collect()  # what start-up left as garbage goes now, not frozen with the rest
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, GEN2_BACKSTOP)


def collect_if_due() -> bool:
    """The full pass, if due (GEN2_THRESHOLD generation-1 passes since the last): call it when no one waits on
    the interpreter (the print thread after a pass: the worker is scanning the tote). True when it ran."""
    if gc.get_count()[2] < GEN2_THRESHOLD:
        return False
    gc.collect()
    return True


def tune_runtime() -> None:
    """Everything a station process sets once start-up is done (the window calls this from ui/main)."""
    tune_gc()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
