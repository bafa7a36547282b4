"""Crash reports: an uncaught exception (any thread) or a hard crash (faulthandler) leaves a report next to the
logs, and the next start says so and offers `returns-desk doctor --bundle`.

A hard crash (segfault, abort) cannot run Python code: faulthandler writes the C-level tracebacks into
`faulthandler.txt`, kept open for the whole run. A clean exit empties it; found non-empty at the next start,
it becomes a crash report. A report is "new" until the next start has told about it (`.seen` marker).
"""

from __future__ import annotations

import faulthandler
import logging
import platform
import sys
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from app import __version__
from app.logging_setup import log_dir, redact

log = logging.getLogger(__name__)

FAULT_FILE = "faulthandler.txt"
REPORT_GLOB = "crash-*.txt"
SEEN_SUFFIX = ".seen"
KEEP_REPORTS = 20  # the oldest go beyond this many: a crash loop must not fill the disk


@dataclass
class CrashGuard:
    """What `install` set up: the folder and the open faulthandler file (closed by `uninstall`)."""

    folder: Path
    fault_file: IO[str]
    previous_hook: Any
    previous_thread_hook: Any


_guard: CrashGuard | None = None


def install(folder: Path | None = None) -> CrashGuard:
    """Turn on crash reports for this process. Call once the logs are configured."""
    global _guard
    where = folder or log_dir()
    where.mkdir(parents=True, exist_ok=True)
    adopt_hard_crash(where)  # a previous run's fault file, before this run reuses it
    fault_file = (where / FAULT_FILE).open("w", encoding="utf-8")
    faulthandler.enable(file=fault_file, all_threads=True)
    _guard = CrashGuard(where, fault_file, sys.excepthook, threading.excepthook)
    sys.excepthook = _on_exception
    threading.excepthook = _on_thread_exception
    return _guard


def uninstall() -> None:
    """A clean exit: hooks back, the fault file closed and removed (empty means no crash)."""
    global _guard
    guard = _guard
    if guard is None:
        return
    _guard = None
    sys.excepthook, threading.excepthook = guard.previous_hook, guard.previous_thread_hook
    faulthandler.disable()
    guard.fault_file.close()
    fault = guard.folder / FAULT_FILE
    if fault.exists() and fault.stat().st_size == 0:
        fault.unlink()


def _on_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    write_report(kind, value, tb, thread=threading.current_thread().name)
    if _guard is not None:
        _guard.previous_hook(kind, value, tb)


def _on_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        name = args.thread.name if args.thread is not None else "?"
        write_report(args.exc_type, args.exc_value, args.exc_traceback, thread=name)


def write_report(kind: type[BaseException], value: BaseException, tb: TracebackType | None, *,
                 thread: str = "MainThread", folder: Path | None = None) -> Path | None:
    """Write one crash report (and log the traceback). Never raises: a crash handler that crashes helps no one."""
    where = folder or (_guard.folder if _guard is not None else log_dir())
    text = "".join(traceback.format_exception(kind, value, tb))
    log.critical("uncaught exception in thread %s:\n%s", thread, text.rstrip())
    try:
        where.mkdir(parents=True, exist_ok=True)
        path = _new_report_path(where, "exception")
        path.write_text(redact(_header("uncaught exception", thread) + text), encoding="utf-8")
        prune(where)
        return path
    except OSError:
        return None


def adopt_hard_crash(folder: Path) -> Path | None:
    """A non-empty fault file left by a previous run (it died without a clean exit) becomes a crash report."""
    fault = folder / FAULT_FILE
    try:
        if not fault.exists() or fault.stat().st_size == 0:
            return None
        body = fault.read_text(encoding="utf-8", errors="replace")
        path = _new_report_path(folder, "hard")
        when = datetime.fromtimestamp(fault.stat().st_mtime).isoformat(timespec="seconds")
        path.write_text(f"Returns Desk hard crash (the process died at about {when}).\n"
                        f"Version {__version__}, {platform.platform()}, Python {platform.python_version()}\n\n"
                        + body, encoding="utf-8")
        fault.unlink()
        prune(folder)
        return path
    except OSError:
        return None


def new_reports(folder: Path | None = None) -> list[Path]:
    """Crash reports not yet told about at a start, oldest first."""
    where = folder or log_dir()
    adopt_hard_crash(where)
    return [p for p in sorted(where.glob(REPORT_GLOB)) if not p.with_name(p.name + SEEN_SUFFIX).exists()]


def mark_seen(reports: list[Path]) -> None:
    for report in reports:
        try:
            report.with_name(report.name + SEEN_SUFFIX).touch()
        except OSError:
            pass  # told again next time: better than not at all


def crash_notice(reports: list[Path]) -> str | None:
    """What the next start tells the user about crash reports it found, or None."""
    if not reports:
        return None
    last = reports[-1]
    count = "Returns Desk stopped unexpectedly" + ("" if len(reports) == 1 else f" {len(reports)} times")
    return (f"{count} since it last started. A crash report was written: {last}.\n\n"
            "Nothing saved before the crash is lost. To help IT find the cause, run\n"
            "    returns-desk doctor --bundle returns-desk-support.zip\n"
            "and send them that file (passwords and PIN hashes are removed from it).")


def prune(folder: Path) -> None:
    reports = sorted(folder.glob(REPORT_GLOB))
    for old in reports[:-KEEP_REPORTS]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + SEEN_SUFFIX).unlink(missing_ok=True)


def _new_report_path(folder: Path, kind: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{kind}.txt"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"crash-{stamp}-{kind}-{number}.txt"
    return path


def _header(what: str, thread: str) -> str:
    now = datetime.now().isoformat(timespec="seconds")
    return (f"Returns Desk {what} at {now} in thread {thread}.\n"
            f"Version {__version__}, {platform.platform()}, Python {platform.python_version()}\n"
            f"Command line: {' '.join(sys.argv)}\n\n")
