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
# shellcheck source=scripts/xvfb_window.sh
. "$here/scripts/xvfb_window.sh"

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

for log in "$XDG_STATE_HOME"/*/log/returns-desk.log; do
    [ -f "$log" ] && cp "$log" "$out/returns-desk.log" && echo "app log: $(wc -l <"$log") line(s), errors: $(grep -c ERROR "$log" || true)"
done
echo "output in $out (database, screenshots, app log)"
