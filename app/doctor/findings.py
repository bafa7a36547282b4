"""What one doctor check found: a status, what it means in words, and what to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, WARN, FAIL = "ok", "warning", "failed"


@dataclass(frozen=True)
class Finding:
    check: str  # short id, e.g. "database", "printer:zebra1"
    status: str  # ok | warning | failed
    summary: str  # what was found, in words
    fix: str = ""  # what to do, when not ok
    details: dict[str, Any] = field(default_factory=dict)  # figures for scripts (latency_ms, free_mb, ...)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def ok(check: str, summary: str, **details: Any) -> Finding:
    return Finding(check, OK, summary, "", details)


def warn(check: str, summary: str, fix: str, **details: Any) -> Finding:
    return Finding(check, WARN, summary, fix, details)


def fail(check: str, summary: str, fix: str, **details: Any) -> Finding:
    return Finding(check, FAIL, summary, fix, details)
