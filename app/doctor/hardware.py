"""Doctor checks on the station's devices: each printer answers, each serial scanner is plugged in."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

from app.config import Settings
from app.doctor.findings import Finding, fail, ok, warn
from app.doctor.local import check_writable
from app.errors import ReturnsDeskError
from app.printing.transports import PrinterSpec, check_status, read_status

PRINTER_TIMEOUT_S = 2.0
_STATUS_QUERY = b"~HS\r\n"


def check_printers(settings: Settings) -> list[Finding]:
    from app.printing.setup import print_setup_from

    try:
        setup = print_setup_from(settings)
    except ReturnsDeskError as exc:
        return [fail("printers", f"The printer settings are wrong: {exc}", "Fix `printers` in station.toml.")]
    return [check_printer(spec) for spec in setup.printers.values()]


def check_printer(spec: PrinterSpec) -> Finding:
    if spec.scheme == "tcp":
        return _check_tcp(spec)
    if spec.scheme == "lp":
        return _check_cups(spec)
    found = check_writable(f"printer {spec.name}", Path(spec.target))
    name = f"printer:{spec.name}"
    if found.status == "ok":
        return ok(name, f"Printer {spec.name} saves its jobs as files in {spec.target}.")
    return fail(name, found.summary, found.fix)


def _check_tcp(spec: PrinterSpec) -> Finding:
    """Connect and ask ~HS (unless the printer is set with status=no): a Zebra reports paper, head and ribbon."""
    name, where = f"printer:{spec.name}", spec.describe()
    timeout = min(spec.timeout_s, PRINTER_TIMEOUT_S)
    try:
        with socket.create_connection((spec.target, spec.port), timeout=timeout) as sock:
            if not spec.status_check:
                return ok(name, f"Printer {where} accepts connections (status checks are off for it).")
            sock.settimeout(timeout)
            sock.sendall(_STATUS_QUERY)
            check_status(read_status(sock), where)
    except ReturnsDeskError as exc:  # the printer answered: out of paper, paused, head open...
        return fail(name, str(exc), "Fix it at the printer, then run doctor again.")
    except TimeoutError:
        return fail(name, f"Printer {where} did not answer within {timeout:g} s.",
                    "Check that it is on, has labels and its head is closed.")
    except OSError as exc:
        return fail(name, f"Printer {where} cannot be reached ({exc.strerror or exc}).",
                    "Check that it is on and plugged into the network, and its address in station.toml.")
    return ok(name, f"Printer {where} answers and is ready.")


def _check_cups(spec: PrinterSpec) -> Finding:
    name = f"printer:{spec.name}"
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return fail(name, f"Printer {spec.describe()} is a system (CUPS) queue, but `lpstat` is not installed.",
                    "Install CUPS (sudo apt-get install cups-client) or use a tcp:// or file: printer.")
    try:
        done = subprocess.run([lpstat, "-p", spec.target], capture_output=True, text=True, timeout=3, check=False)
    except subprocess.TimeoutExpired:
        return fail(name, f"The print system did not answer about {spec.describe()} within 3 s.",
                    "Check that CUPS runs (systemctl status cups).")
    text = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or not text:
        return fail(name, f"The system printer {spec.describe()} is not known to CUPS: {text or 'no answer'}.",
                    f"Add the queue '{spec.target}' in CUPS, or fix its name in station.toml.")
    if "disabled" in text.lower():
        return warn(name, f"The system printer {spec.describe()} is paused: {text}",
                    f"Resume it: cupsenable {spec.target}")
    return ok(name, f"The system printer {spec.describe()} is known to CUPS: {text.splitlines()[0]}")


def check_scanners(settings: Settings) -> list[Finding]:
    from app.scanning.ports import list_ports, parse_specs, resolve

    try:
        specs = parse_specs(settings.serial_scanners)
    except ReturnsDeskError as exc:
        return [fail("scanners", str(exc), "Fix `serial_scanners` in station.toml.")]
    if not specs:
        return []
    ports = list_ports()
    findings = []
    for spec in specs:
        device = resolve(spec, ports)
        name = f"scanner:{spec.label}"
        if device is None:
            findings.append(fail(name, f"Serial scanner {spec.label} is not plugged in.",
                                 "Plug it in (or check its cable); `returns-desk scanners` lists the ports seen."))
        else:
            findings.append(ok(name, f"Serial scanner {spec.label} is on {device}.", device=device))
    return findings
