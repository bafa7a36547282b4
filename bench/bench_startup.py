"""Cold start (issue 12): the real `returns-desk` entry point as a whole process, beside an empty PySide6 window.

Each run is a new process, timed from just before it is spawned to the `ready <unix time>` it prints once the
main window is scan-ready (RETURNS_DESK_EXIT_WHEN_READY=1, ui/main.py): interpreter start, imports, settings,
the database check, rules and checklists, the window shown and exposed with the badge field focused. The floor
is a new process of the same interpreter showing an empty PySide6 window, measured the same way; the two are
interleaved run by run. The station is a fresh home with `returns-desk demo load` (its demo history).

Both sides run with compiled bytecode, as an installed station does (pip and the bundle compile every module):
the children write and read it in a throwaway PYTHONPYCACHEPREFIX, filled by the unmeasured first start, even
when the calling shell sets PYTHONDONTWRITEBYTECODE (a source checkout without __pycache__ otherwise compiles
every app module at every start: 0.2-0.3 s on this machine, a cost no installed station pays).

`--compare DIR` (repeatable) adds another source tree of the app (e.g. a `git worktree` of the last commit),
started as `python -c "from app.cli import main; main()"` with DIR first on PYTHONPATH, in the same loop.

Run: `python -m bench.bench_startup [--runs 20] [--platform offscreen|xcb] [--compare DIR]` (xcb needs DISPLAY).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 4.0
EMPTY_WINDOW = (
    "import sys, time\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QWidget(); w.resize(1280, 900); w.show()\n"
    "def check():\n"
    "    if w.windowHandle() is not None and w.windowHandle().isExposed():\n"
    "        print(f'ready {time.time():.6f}', flush=True); app.quit()\n"
    "    else:\n"
    "        QTimer.singleShot(5, check)\n"
    "QTimer.singleShot(0, check)\n"
    "app.exec()\n"
)


TREE_START = "import sys\nfrom app.cli import main\nsys.exit(main())\n"


def station_env(home: Path, platform: str) -> dict[str, str]:
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(home / "pycache"), "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": platform, "RETURNS_DESK_EXIT_WHEN_READY": "1"}


def start_ms(cmd: list[str], env: dict[str, str]) -> float:
    t = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=env["HOME"], timeout=120, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    if done.returncode != 0 or len(lines) != 1:
        raise SystemExit(f"{cmd[0]} did not reach scan-ready (exit {done.returncode}):\n{done.stdout[-500:]}\n"
                         f"{done.stderr[-2000:]}")
    return (float(lines[0].split()[1]) - t) * 1000


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(values), "p50_ms": statistics.median(ordered),
            "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "min_ms": ordered[0], "max_ms": ordered[-1]}


def entry_point() -> str:
    found = Path(sys.executable).parent / "returns-desk"
    if found.is_file():
        return str(found)
    which = shutil.which("returns-desk")
    if which is None:
        raise SystemExit("the returns-desk command is not installed (pip install -e .)")
    return which


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="runs of each side (default 20)")
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    parser.add_argument("--compare", action="append", default=[], type=Path, metavar="DIR",
                        help="another source tree of the app to start in the same loop (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        env = station_env(Path(tmp), args.platform)
        sides = {"app": ([entry_point()], env), "empty": ([sys.executable, "-c", EMPTY_WINDOW], env)}
        for tree in args.compare:
            paths = [str(tree.resolve()), *filter(None, [env.get("PYTHONPATH")])]
            tree_env = {**env, "PYTHONPATH": os.pathsep.join(paths)}
            sides[f"tree {tree}"] = ([sys.executable, "-c", TREE_START], tree_env)
        subprocess.run([entry_point(), "demo", "load"], env=env, cwd=tmp, check=True, capture_output=True)
        for cmd, side_env in sides.values():  # one unmeasured start each: page cache and bytecode filled
            start_ms(cmd, side_env)
        times: dict[str, list[float]] = {name: [] for name in sides}
        load = os.getloadavg()
        for _ in range(args.runs):
            for name, (cmd, side_env) in sides.items():
                times[name].append(start_ms(cmd, side_env))
        load_after = os.getloadavg()
    results: dict[str, object] = {name: summary(values) for name, values in times.items()}
    results.update(platform=args.platform, load_before=load, load_after=load_after)
    print(json.dumps(results, indent=2))
    empty_ms = statistics.median(times["empty"])
    for name in (n for n in times if n != "empty"):
        ordered = sorted(times[name])
        p50, p95 = statistics.median(ordered), summary(ordered)["p95_ms"]
        print(f"{name}: cold start → scan-ready p50 {p50:.0f} ms (p95 {p95:.0f}), empty window {empty_ms:.0f} ms:"
              f" {p50 / empty_ms:.2f}× (target ≤ {TARGET_RATIO:.0f}×)")
    print(f"load {load[0]:.1f} → {load_after[0]:.1f}")


if __name__ == "__main__":
    main()
