"""Issue 11: the bundle's size, its package's size, and cold start → scan-ready of the bundle beside source.

    python -m bench.bench_bundle [--runs 20] [--deb dist/returns-desk_<version>_amd64.deb]

The .deb is unpacked (`dpkg-deb -x`) into a temporary root and its binary started exactly as the artefact
smoke test does: RETURNS_DESK_EXIT_WHEN_READY=1 makes the window quit once it is scan-ready (shown, the event
loop idle, the badge field focused) and print when. Source runs `packaging/entry.py` with this checkout's
interpreter the same way, so both sides run the same start path against the same database; runs alternate
(bundle, source, bundle, ...) so a change in the machine's load hits both. The clock starts before the
process is spawned and stops at the time the process prints.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app import __version__
from bench.bench_startup import summary

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3
BUNDLE_MAX_MB = 170
DEB_MAX_MB = 70


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def station_env(home: Path) -> dict[str, str]:
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": "offscreen"}


def start_ms(cmd: list[str], env: dict[str, str]) -> float:
    ready_env = {**env, "RETURNS_DESK_EXIT_WHEN_READY": "1"}
    t = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, env=ready_env, cwd=env["HOME"], timeout=120,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{cmd[0]} did not reach scan-ready (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return (float(lines[-1].split()[1]) - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="runs of each side (default 20)")
    parser.add_argument("--deb", type=Path, default=ROOT / "dist" / f"returns-desk_{__version__}_amd64.deb")
    args = parser.parse_args()
    if not args.deb.is_file():
        raise SystemExit(f"{args.deb} does not exist: build it with `make package` first")
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        root, home = Path(tmp) / "root", Path(tmp) / "home"
        home.mkdir()
        subprocess.run(["dpkg-deb", "-x", str(args.deb), str(root)], check=True)
        bundle = root / "opt" / "returns-desk"
        env = station_env(home)
        env["XDG_CONFIG_DIRS"] = str(root / "etc" / "xdg")  # the package's site configuration, both sides
        binary = [str(bundle / "returns-desk")]
        source = [sys.executable, str(ROOT / "packaging" / "entry.py")]
        subprocess.run([*binary, "demo", "load"], env=env, cwd=home, check=True, capture_output=True)
        for cmd in (binary, source):  # one unmeasured start each: the page cache holds both afterwards
            start_ms(cmd, env)
        times: dict[str, list[float]] = {"bundle": [], "source": []}
        for _ in range(args.runs):
            times["bundle"].append(start_ms(binary, env))
            times["source"].append(start_ms(source, env))
        sizes = {"bundle_mb": folder_bytes(bundle) / 1e6, "deb_mb": args.deb.stat().st_size / 1e6}
    results = {"sizes": sizes, "bundle": summary(times["bundle"]), "source": summary(times["source"])}
    ratio = results["bundle"]["p50_ms"] / results["source"]["p50_ms"]
    print(json.dumps(results, indent=2))
    print(f"bundle {sizes['bundle_mb']:.1f} MB (target ≤ {BUNDLE_MAX_MB}), package {sizes['deb_mb']:.1f} MB "
          f"(target ≤ {DEB_MAX_MB})")
    print(f"cold start → scan-ready p50: bundle {results['bundle']['p50_ms']:.0f} ms, source "
          f"{results['source']['p50_ms']:.0f} ms, ratio {ratio:.2f}× (target ≤ {TARGET_RATIO}×)")


if __name__ == "__main__":
    main()
