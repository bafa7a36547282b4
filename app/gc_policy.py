"""The interpreter settings a station process runs with, in one place: the window (ui/main.tune_runtime) and the
benchmarks that stand in for it (bench/bench_station_file.py) apply the same, so a benchmark measures what the
station lives with (issue 12).

- `gc.freeze()` once start-up is done: everything loaded by then (modules, the SQLAlchemy mappers and compiled
  statement cache, the site configuration) lives until exit, so the collector's full (generation-2) passes stop
  walking it. Without it a full pass took 36–94 ms on the station file's save, the save's worst case.
- A generation-2 pass only after many more generation-1 passes (GEN2_THRESHOLD): what a save allocates is
  short-lived and freed by reference counting or a young pass; a full pass finds next to nothing.
- A 1 ms thread switch interval: background threads (sync, printing, serial) hand the interpreter back to the
  GUI thread within 1 ms instead of 5 ms.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
GEN2_THRESHOLD = 100  # CPython's default is 10 generation-1 passes per generation-2 pass


def tune_gc() -> None:
    """Freeze what start-up made and make full collections rarer. Call once, when start-up is done."""
    gc.collect()  # what start-up left as garbage goes now, not frozen with the rest
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, GEN2_THRESHOLD)


def tune_runtime() -> None:
    """Everything a station process sets once start-up is done (the window calls this from ui/main)."""
    tune_gc()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
