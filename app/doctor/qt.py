"""Can Qt open a window here? A tiny child process creates a QGuiApplication on the platform plugin the window
would use (xcb with a display, offscreen without), and `ldd` on the xcb plugin names the system libraries that
are missing, with the Debian package that has each.

Qt aborts the process when its platform plugin cannot load, so the check runs in a child; the core itself
never imports Qt (the child's code is a string).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app.doctor.findings import Finding, fail, ok, warn

PROBE_TIMEOUT_S = 4.0
# Run by the child (python -c, or `returns-desk doctor --qt-probe` in a bundle): the platform comes in argv.
PROBE_CODE = (
    "import sys\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "args = [sys.argv[0]] + (['-platform', sys.argv[-1]] if sys.argv[-1] != 'default' else [])\n"
    "app = QGuiApplication(args)\n"
    "print('platform=' + app.platformName())\n"
)
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)


@dataclass(frozen=True)
class QtProblem:
    """Why Qt's window platform cannot load here: the missing libraries and the packages that have them."""

    missing: list[str]
    packages: list[str]

    def words(self) -> str:
        return (f"Qt cannot open a window: these system libraries are missing: {', '.join(self.missing)}. "
                f"Install them as IT: sudo apt-get install {' '.join(self.packages)} "
                "(the README lists every system requirement).")


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    for base in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(base) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """The shared libraries `ldd` cannot find for the xcb plugin ([] when all are there or ldd is absent)."""
    target = plugin or xcb_plugin()
    ldd = shutil.which("ldd")
    if target is None or ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(target)], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return parse_ldd(out)


def parse_ldd(output: str) -> list[str]:
    """`libxcb-icccm.so.4 => not found` lines -> ["libxcb-icccm.so.4"], each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def debian_package(soname: str) -> str:
    """Debian names a library's package after its soname: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a dash when the name ends in a digit)."""
    name, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    if not version:
        return name
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def startup_problem() -> QtProblem | None:
    """For the window's start (Linux, about 20 ms): missing libraries of the xcb plugin when xcb is what Qt will
    use. None when nothing is missing or another platform is chosen."""
    if not sys.platform.startswith("linux") or _chosen_platform() not in ("", "xcb"):
        return None
    if not os.environ.get("DISPLAY") and os.environ.get("WAYLAND_DISPLAY"):
        return None
    missing = missing_libraries()
    return QtProblem(missing, [debian_package(m) for m in missing]) if missing else None


def _chosen_platform() -> str:
    return os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()


def probe_platform() -> str:
    """The platform the check creates an application on: the chosen one, else xcb with a display, else
    offscreen (a station without a screen right now: doctor over ssh)."""
    chosen = _chosen_platform()
    if chosen:
        return chosen
    if not sys.platform.startswith("linux"):
        return "default"
    return "xcb" if os.environ.get("DISPLAY") else "offscreen"


def probe_command(platform: str) -> list[str]:
    if getattr(sys, "frozen", False):  # a bundle has no `python -c`: the binary runs the probe itself
        return [sys.executable, "doctor", "--qt-probe", platform]
    return [sys.executable, "-c", PROBE_CODE, platform]


def run_probe(platform: str) -> None:
    """`doctor --qt-probe PLATFORM` in a bundle: run the probe code in this process."""
    sys.argv = [sys.argv[0], platform]
    exec(PROBE_CODE, {"__name__": "__qt_probe__"})  # noqa: S102 - our own constant, not input


def check_qt() -> Finding:
    platform = probe_platform()
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the probe's -platform argument decides
    try:
        done = subprocess.run(probe_command(platform), capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
                              env=env, check=False)
    except subprocess.TimeoutExpired:
        return fail("qt", f"Qt did not start on the '{platform}' platform within {PROBE_TIMEOUT_S:g} s.",
                    "Check the display (DISPLAY) and the graphics drivers.", platform=platform)
    missing = missing_libraries() if sys.platform.startswith("linux") else []
    return _qt_finding(platform, done.returncode, done.stdout + done.stderr, missing)


def _qt_finding(platform: str, code: int, output: str, missing: list[str]) -> Finding:
    packages = [debian_package(m) for m in missing]
    if code == 0 and not missing:
        return ok("qt", f"Qt starts on the '{platform}' platform.", platform=platform)
    if code == 0:  # offscreen works, but the screen would not
        return warn("qt", f"Qt starts offscreen, but the window needs system libraries that are missing: "
                    f"{', '.join(missing)}.", f"sudo apt-get install {' '.join(packages)}",
                    platform=platform, missing=missing, packages=packages)
    if missing:
        return fail("qt", QtProblem(missing, packages).words(), f"sudo apt-get install {' '.join(packages)}",
                    platform=platform, missing=missing, packages=packages)
    last = [line for line in output.strip().splitlines() if line.strip()][-3:]
    return fail("qt", f"Qt cannot start on the '{platform}' platform: {' '.join(last) or f'exit code {code}'}.",
                "Check the display (DISPLAY, or run at the station's screen) and the README's system "
                "requirements.", platform=platform, exit_code=code)
