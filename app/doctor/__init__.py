"""`returns-desk doctor`: checks a station without its window and says what is wrong and what to do."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.config import Settings
from app.doctor.findings import Finding, fail, ok


def add_doctor_parser(sub: Any) -> None:
    doctor = sub.add_parser("doctor", help="check this station (Qt, database, disk, folders, rules, printers, "
                            "scanners, central database, clock) and say what to do; exit code 1 on any problem")
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON (docs/doctor-and-logs.md)")
    doctor.add_argument("--bundle", type=Path, metavar="FILE.zip",
                        help="also write the report, settings, logs and crash reports for support into FILE.zip "
                        "(passwords and PIN hashes removed)")
    doctor.add_argument("--qt-probe", metavar="PLATFORM", help=argparse.SUPPRESS)  # the bundle's Qt child


def run_doctor(args: argparse.Namespace, cli: dict[str, Any]) -> int:
    """Loads the settings itself: settings that do not load are reported (with the defaults checked)."""
    from app.doctor import qt
    from app.doctor.report import run_checks, to_json
    from app.logging_setup import log_dir

    if args.qt_probe:
        qt.run_probe(args.qt_probe)
        return 0
    settings, loaded = _settings(cli)
    folder = log_dir()
    report = run_checks(settings, folder, first=[loaded])
    print(to_json(report) if args.json else report.as_text())
    if args.bundle:
        from app.doctor.bundle import write_bundle

        write_bundle(args.bundle, report, settings, folder)
        print(f"Support bundle written to {args.bundle}.", file=sys.stderr if args.json else sys.stdout)
    return 1 if report.failed else 0


def _settings(cli: dict[str, Any]) -> tuple[Settings, Finding]:
    from app.config import load_settings
    from app.errors import ConfigError

    try:
        settings = load_settings(cli=cli)
    except ConfigError as exc:
        return Settings(), fail("settings", f"The settings do not load: {exc}",
                                "Fix the file named; until then the station does not start (the rest of this "
                                "report checks the default settings).")
    return settings, ok("settings", f"The settings load (station {settings.station_id}, {settings.mode} mode).")
