#!/usr/bin/env bash
# A supervisor's first minutes, typed as a person would on a real X server (not part of `make test`).
#
# Starts the app under Xvfb on a fresh demo database, signs in as B2001 / 2222 at 120 ms a key, presses F6
# (the board), types the filter "grade:A station:D01" + Enter, moves down the list with the arrow keys, opens a
# record with Enter, goes back to the list with Esc, then to the exceptions tab (Alt+E) and back to the station
# (F6), with a screenshot after each step. Look at them; the log should show no error.
#
# Needs Debian's xvfb, xdotool and imagemagick:  apt-get install -y xvfb xdotool imagemagick
# plus the xcb libraries listed in the README.  Usage: scripts/try_typing_xvfb.sh [out-dir] [delay-ms]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d /tmp/try-supervisor.XXXXXX)}"
delay="${2:-120}"
mkdir -p "$out"
display=":$((90 + RANDOM % 100))"

# Everything the app writes goes under $out: database, settings, log.
export RETURNS_DESK_DB="sqlite:///$out/station.db"
export XDG_DATA_HOME="$out/data" XDG_CONFIG_HOME="$out/config"
"$here/.venv/bin/returns-desk" demo load >"$out/demo-load.txt"

Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT
export DISPLAY="$display"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

QT_QPA_PLATFORM=xcb "$here/.venv/bin/returns-desk" >"$out/app-stdout.txt" 2>&1 &
app_pid=$!
window=""
for _ in $(seq 100); do
    window="$(xdotool search --name 'Returns Desk' 2>/dev/null | head -1 || true)"
    [ -n "$window" ] && break
    sleep 0.2
done
[ -n "$window" ] || { echo "the window did not appear; see $out/app-stdout.txt" >&2; exit 1; }
sleep 1.5  # the window maps, the sign-in field takes the focus

shot() { import -window root "$out/$1.png"; echo "screenshot: $out/$1.png"; }

# No window manager under Xvfb: nothing gives the window the focus but the app itself; type at whatever
# has it, as a person at the keyboard would.
xdotool type --delay "$delay" "B2001"; xdotool key Return; sleep 1
xdotool type --delay "$delay" "2222"; xdotool key Return; sleep 1.5
shot 1-signed-in
xdotool key F6; sleep 2.5
shot 2-board
xdotool key Right Right Down; sleep 0.5
shot 3-tile-focused
xdotool key ctrl+f; sleep 0.3  # the search line (typing on a tile would go there too)
xdotool type --delay "$delay" "grade:A station:D01"; xdotool key Return; sleep 2
shot 4-filtered
xdotool key Down Down Return; sleep 1.5
shot 5-record
xdotool key Escape; sleep 0.3
xdotool key alt+e; sleep 2
shot 6-exceptions
xdotool key F6; sleep 1
shot 7-back-at-the-station

for log in "$XDG_DATA_HOME"/*/returns-desk.log; do
    [ -f "$log" ] && cp "$log" "$out/returns-desk.log" && echo "app log: $(wc -l <"$log") line(s), errors: $(grep -c ERROR "$log" || true)"
done
echo "output in $out (database, screenshots, app log)"
