"""`returns-desk scanners`: list serial ports (to write `serial_scanners`), print the scanner sheets."""

from __future__ import annotations

import argparse

from app.config import Settings
from app.scanning.ports import list_ports, parse_specs, resolve


def run_scanners(args: argparse.Namespace, settings: Settings) -> int:
    if args.scanners_command == "sheet":
        from app.scanning.sheets import write_command_sheet, write_test_sheet

        path = (write_test_sheet(args.file, settings.station_id) if args.which == "test"
                else write_command_sheet(args.file))
        print(f"Wrote {path}. Print it at 100% scale (no 'fit to page').")
        return 0
    ports = list_ports()
    if not ports:
        print("No serial ports found. Plug the scanner in (USB-COM / CDC mode) and try again.")
    else:
        print(f"{'port':<28} {'VID:PID':<10} {'serial':<16} description  →  serial_scanners value")
        for port in ports:
            ids = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None and port.pid is not None else "—"
            print(f"{port.device:<28} {ids:<10} {port.serial_number or '—':<16} {port.description}  →  "
                  f"{port.spec_text()}")
    for spec in parse_specs(settings.serial_scanners):
        device = resolve(spec, ports)
        print(f"configured: {spec.label}: {'on ' + device if device else 'NOT FOUND (unplugged?)'}")
    return 0
