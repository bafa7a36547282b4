#!/usr/bin/env bash
# Type at the station as a person would, on a real X server (not part of `make test`).
#
# Starts the app under Xvfb on a fresh demo database, signs in (B1001 / 1111) and types RMA100054 + Enter
# with xdotool at 120 ms a key, then a lone 7 + Enter, then the RMA's item GTIN + Enter, with screenshots.
# Look at them: the typed text shows in the scan line as typed; then "RMA RMA100054 scanned: now scan the
# item"; the 7 stays in the line, and Enter says it is not a barcode; the item card shows with its first
# question. The log should show no error.
#
# Needs Debian's xvfb, xdotool and imagemagick:  apt-get install -y xvfb xdotool imagemagick
# plus the xcb libraries listed in the README.  Usage: scripts/try_typing_xvfb.sh [out-dir] [delay-ms]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d /tmp/try-typing.XXXXXX)}"
delay="${2:-120}"
# shellcheck source=scripts/xvfb_window.sh
. "$here/scripts/xvfb_window.sh"

# No window manager under Xvfb: nothing gives the window the focus but the app itself; type at whatever
# has it, as a person at the keyboard would.
xdotool type --delay "$delay" "B1001"; xdotool key Return; sleep 1
xdotool type --delay "$delay" "1111"; xdotool key Return; sleep 1.5
shot 1-signed-in
xdotool type --delay "$delay" "RMA100054"
sleep 0.5
shot 2-typed
xdotool key Return
sleep 1.5
shot 3-after-enter
xdotool type --delay "$delay" "7"
sleep 1
shot 4-a-digit-at-ready
xdotool key Return
sleep 1
shot 5-digit-entered
# The RMA's item (AP-JKT-0012), typed: the item card and the first question.
xdotool type --delay "$delay" "7045218055940"
xdotool key Return
sleep 1.5
shot 6-item-typed

for log in "$XDG_STATE_HOME"/*/log/returns-desk.log; do
    [ -f "$log" ] && cp "$log" "$out/returns-desk.log" && echo "app log: $(wc -l <"$log") line(s), errors: $(grep -c ERROR "$log" || true)"
done
echo "output in $out (database, screenshots, app log)"
