# Shared by scripts/try_*_xvfb.sh (sourced, not run): a fresh demo database under $out, Xvfb, the real window
# on it, and shot NAME for a screenshot. Needs $here, $out, $delay set by the caller.
mkdir -p "$out"
display=":$((90 + RANDOM % 100))"
# Everything the app writes goes under $out: database, settings, log.
export RETURNS_DESK_DB="sqlite:///$out/station.db"
export XDG_DATA_HOME="$out/data" XDG_CONFIG_HOME="$out/config" XDG_STATE_HOME="$out/state"
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

