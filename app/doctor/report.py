"""Run every doctor check (side by side, so slow devices cost their own timeout once, not in sum) and report
in words or as JSON."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.config import Settings, data_dir
from app.doctor import central, hardware, local, qt
from app.doctor.findings import FAIL, OK, WARN, Finding, fail
from app.sync.fleet import running_version

DEADLINE_S = 4.5  # the whole run answers within 5 s; a check still running then is reported as not answering

Check = Callable[[], Finding | list[Finding]]


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    settings: Settings
    seconds: float
    at: str

    @property
    def failed(self) -> bool:
        return any(f.status == FAIL for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        version, build = running_version()
        return {
            "version": version,
            "build": build,
            "station_id": self.settings.station_id,
            "mode": self.settings.mode,
            "at": self.at,
            "seconds": round(self.seconds, 2),
            "platform": platform.platform(),
            "ok": not self.failed,
            "findings": [f.as_json() for f in self.findings],
        }

    def as_text(self) -> str:
        marks = {OK: "ok  ", WARN: "WARN", FAIL: "FAIL"}
        version, build = running_version()
        where = f"station {self.settings.station_id} ({self.settings.mode} mode)"
        lines = [f"Returns Desk {version} (build {build}) doctor, {where}, {self.at}"]
        for finding in self.findings:
            lines.append(f"[{marks.get(finding.status, finding.status)}] {finding.summary}")
            if finding.fix:
                lines.append(f"       what to do: {finding.fix}")
        failed = sum(f.status == FAIL for f in self.findings)
        warned = sum(f.status == WARN for f in self.findings)
        verdict = "Everything checked is fine." if not failed and not warned else \
            f"{failed} problem(s), {warned} warning(s)."
        lines.append(f"{verdict} ({self.seconds:.1f} s)")
        return "\n".join(lines)


def checks_for(settings: Settings, log_folder: Path) -> list[tuple[str, Check]]:
    """Every check, by name, in the order the report lists them."""
    local_url = settings.db if settings.mode == "station" else None
    folder = local.database_folder(settings)
    return [
        ("qt", qt.check_qt),
        ("database", lambda: local.check_database(settings)),
        ("disk", lambda: local.check_disk_space(settings)),
        ("folder:data", lambda: local.check_writable("data", folder or data_dir())),
        ("folder:log", lambda: local.check_writable("log", log_folder)),
        ("rules", lambda: local.check_rules(settings)),
        ("printers", lambda: hardware.check_printers(settings)),
        ("scanners", lambda: hardware.check_scanners(settings)),
        ("central", lambda: central.check_central(settings, local_url)),
    ]


def run_checks(settings: Settings, log_folder: Path, deadline_s: float = DEADLINE_S,
               first: list[Finding] | None = None) -> Report:
    """`first`: findings made before (the settings), listed at the top."""
    started = time.monotonic()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    named = checks_for(settings, log_folder)
    pool = ThreadPoolExecutor(max_workers=len(named), thread_name_prefix="doctor")
    futures = [pool.submit(check) for _name, check in named]
    wait(futures, timeout=deadline_s)
    pool.shutdown(wait=False, cancel_futures=True)  # a hung check must not hold the answer
    findings: list[Finding] = list(first or [])
    for (name, _check), future in zip(named, futures, strict=True):
        findings += _outcome(name, future, deadline_s)
    return Report(findings, settings, time.monotonic() - started, at)


def _outcome(name: str, future: Any, deadline_s: float) -> list[Finding]:
    if not future.done():
        return [fail(name, f"The {name} check did not finish within {deadline_s:g} s.",
                     "Run doctor again; if it repeats, that device or server is hanging.")]
    error = future.exception()
    if error is not None:  # a bug in a check is itself reported, the others still are
        return [fail(name, f"The {name} check itself failed ({type(error).__name__}: {error}).",
                     "Tell IT (and send `returns-desk doctor --bundle`).")]
    result = future.result()
    return result if isinstance(result, list) else [result]


def to_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False)
