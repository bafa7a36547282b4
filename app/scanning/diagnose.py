"""Scanner setup: what the test sheet's barcodes should give, what arrived, and what to change.

Pure: the wizard (ui/screens/scanner_setup.py) records each scan as a `Capture` (characters, key times,
how it ended) and this module says in plain words what is wrong — no terminator, keyboard layout
mismatch, GS dropped or substituted, AIM prefix on/off, keys too slow for burst detection, extra prefix or
suffix — what to change on the scanner, and which app settings to save.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.scanning.commands import Command
from app.scanning.layouts import LAYOUTS, unlayout
from app.scanning.normalize import AIM_PATTERN, GS, visible


@dataclass(frozen=True)
class TestCode:
    key: str
    title: str
    data: str  # what the barcode encodes; GS = FNC1 separator
    aim: str  # the AIM identifier a scanner with AIM on sends for it


TEST_CODES = (
    TestCode("code128", "Code 128 with letters and digits", "Ab12-xyZ9", "]C0"),
    TestCode("gs1", "GS1-128 with separators", "0104006381333931" "17271130" "10LOT42" + GS + "21SN77", "]C1"),
    TestCode("ean13", "EAN-13", "4006381333931", "]E0"),
    TestCode("command", "A command barcode (Next)", Command.NEXT.value, "]C0"),
)


@dataclass(frozen=True)
class Capture:
    text: str
    key_times_ms: tuple[float, ...] = ()  # one per character, for a wedge; empty for serial
    terminator: str | None = "enter"  # "enter", "tab", "serial" or None (the scan just stopped)


class Severity(StrEnum):
    OK = "ok"
    ADVICE = "advice"  # works, but could be better
    FIXED = "fixed"  # the app adapts (settings saved)
    PROBLEM = "problem"  # change the scanner


@dataclass(frozen=True)
class Finding:
    severity: Severity
    says: str  # plain words: what is wrong, and what to do
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AppSettings:
    burst_gap_ms: int = 40
    scan_terminators: str = "enter,tab"
    gs_substitute: str = ""


def diagnose(code: TestCode, capture: Capture, app: AppSettings) -> list[Finding]:
    findings: list[Finding] = []
    text = capture.text
    if not text:
        return [Finding(Severity.PROBLEM, "Nothing arrived. Check that the scanner is plugged in and beeps.")]
    findings += _terminator(capture, app)
    findings += _speed(capture, app)
    aim = AIM_PATTERN.match(text)
    body = text[3:] if aim else text
    for name, layout in LAYOUTS.items():
        if not _matches(code, body) and _matches(code, unlayout(body, layout)):
            findings.append(Finding(
                Severity.PROBLEM,
                f"Keyboard layout mismatch: the scanner types for a US keyboard but this computer uses {name} "
                f"('{visible(code.data[:8])}' arrived as '{visible(body[:8])}'). Set the scanner's keyboard "
                f"country/language to {name.split()[0]} (see its manual), then run setup again."))
            body = unlayout(body, layout)
            break
    match = _match(code, body)
    if match is None:
        findings.append(Finding(
            Severity.PROBLEM,
            f"This is not the '{code.title}' barcode of the test sheet: got '{visible(body[:40])}'. "
            "Scan the barcode the screen asks for."))
        return findings
    prefix, separator, suffix = match
    if aim:
        findings.append(Finding(Severity.OK, f"AIM symbology identifiers are on ({text[:3]}): good."))
    elif code.key == "gs1":
        findings.append(Finding(
            Severity.ADVICE,
            "The scanner does not send AIM symbology identifiers. It works, but GS1 barcodes are recognised "
            "more safely with them: turn on 'AIM ID' / 'Code ID: AIM' transmission in the scanner."))
    if prefix or suffix:
        findings.append(Finding(
            Severity.FIXED,
            f"The scanner adds {_describe_affixes(prefix, suffix)} to every code; the app now removes it.",
            {"scan_prefix": prefix, "scan_suffix": suffix}))
    if code.key == "gs1":
        findings.append(_separator(separator, app))
    return findings


def _terminator(capture: Capture, app: AppSettings) -> list[Finding]:
    if capture.terminator is None:
        return [Finding(
            Severity.PROBLEM,
            "The scanner does not end a scan with Enter, so the app cannot tell where a scan ends. Scan the "
            "'Add Enter / CR suffix' barcode in the scanner's manual, then run setup again.")]
    if capture.terminator == "tab" and "tab" not in app.scan_terminators:
        return [Finding(Severity.FIXED, "The scanner ends scans with Tab; the app now accepts Tab as the end.",
                        {"scan_terminators": "enter,tab"})]
    return []


def _speed(capture: Capture, app: AppSettings) -> list[Finding]:
    times = capture.key_times_ms
    if len(times) < 2:
        return []
    slowest = max(b - a for a, b in zip(times, times[1:], strict=False))
    if slowest < app.burst_gap_ms:
        return []
    needed = int(math.ceil(slowest * 1.5 / 10.0) * 10)
    if needed <= 100:
        return [Finding(
            Severity.FIXED,
            f"The scanner's keys arrive up to {slowest:.0f} ms apart, slower than the {app.burst_gap_ms} ms the "
            f"app allowed; the app now allows {needed} ms.", {"burst_gap_ms": needed})]
    return [Finding(
        Severity.PROBLEM,
        f"The scanner types too slowly ({slowest:.0f} ms between keys) to be told from a person typing. Set "
        "its 'inter-character delay' to 0 and its USB keyboard speed to fast (see its manual).")]


def _match(code: TestCode, body: str) -> tuple[str, str, str] | None:
    """(prefix, what stood for the GS, suffix) when `body` is the code with extras around it."""
    parts = code.data.split(GS)
    pattern = "(.*?)".join(re.escape(p) for p in parts)
    found = re.fullmatch(f"(.*?){pattern}(.*?)", body, flags=re.DOTALL)
    if found is None:
        return None
    groups = found.groups()
    separator = groups[1] if len(parts) > 1 else ""
    return groups[0], separator, groups[-1]


def _matches(code: TestCode, body: str) -> bool:
    return _match(code, body) is not None


def _separator(separator: str, app: AppSettings) -> Finding:
    if separator == GS:
        return Finding(Severity.OK, "GS1 separators arrive as GS (ASCII 29): good.", {"gs_substitute": ""})
    if separator == "":
        return Finding(
            Severity.PROBLEM,
            "The scanner drops the GS1 separator (FNC1), so lot and serial numbers run together. Turn on "
            "'Transmit FNC1 as GS (0x1D)' in the scanner (for a USB keyboard scanner: 'send Ctrl+]' or a "
            "substitute character such as ~), then run setup again.")
    return Finding(
        Severity.FIXED,
        f"The scanner sends '{visible(separator)}' for the GS1 separator; the app now reads it as the separator.",
        {"gs_substitute": separator.replace(GS, "\\x1d")})


def _describe_affixes(prefix: str, suffix: str) -> str:
    parts = []
    if prefix:
        parts.append(f"'{visible(prefix)}' before")
    if suffix:
        parts.append(f"'{visible(suffix)}' after")
    return " and ".join(parts)


def settings_to_save(findings: list[Finding]) -> dict[str, Any]:
    """Every app-side change the findings ask for, later findings winning."""
    values: dict[str, Any] = {}
    for finding in findings:
        values.update(finding.settings)
    return values
