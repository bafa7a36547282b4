#!/usr/bin/env bash
# Every issue-12 benchmark, three runs each, one after another (never two at once: they share the cores).
# Output of each run goes to bench/out/issue12/<bench>-<run>.log; the figures are copied into bench/README.md
# by hand. Needs PostgreSQL and MariaDB on 127.0.0.1 (as `make test`) and, for the station file, the cached
# realistic 1M-item file in bench/out (built on first use: about 20 minutes and 24 GB).
#
#   bash bench/issue12.sh            # everything
#   bash bench/issue12.sh gui sync   # only these (startup station_file sync import gui shift)
#   START=2 bash bench/issue12.sh gui # runs 2 to $RUNS only
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
RUNS=${RUNS:-3}
OUT=bench/out/issue12
mkdir -p "$OUT"
export QT_QPA_PLATFORM=offscreen

run() {  # name run-number command...
  local name=$1 n=$2
  shift 2
  echo "== $name run $n: $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" >"$OUT/$name-$n.log" 2>&1 || { echo "$name run $n failed: see $OUT/$name-$n.log" >&2; return 1; }
  echo "   done $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_startup()      { run startup "$1" "$PY" -m bench.bench_startup --runs 20; }
bench_gui()          { run gui "$1" "$PY" -m bench.bench_gui --items 300 --out "$OUT/gui-$1.json"; }
bench_station_file() { run station_file "$1" "$PY" -m bench.bench_station_file --samples 300; }
bench_sync()         { run sync "$1" "$PY" -m bench.bench_sync --items 100000 --rounds 1 --skip gui; }
bench_import()       { [ "$1" = 1 ] && run import 1 "$PY" -m bench.bench_import --runs 3 || true; }
# The 8-hour shift: 3,000 items through the real window, sync on; memory is the figure, so one run, faster hands.
bench_shift()        { [ "$1" = 1 ] && run shift 1 "$PY" -m bench.bench_gui --items 3000 --think-ms 10 \
                         --idle-ms 100 --rss-every 300 --out "$OUT/shift.json" || true; }

benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(startup station_file sync import gui shift)
for n in $(seq "${START:-1}" "$RUNS"); do
  for b in "${benches[@]}"; do
    "bench_$b" "$n"
  done
done
