"""Serial scanner settings and ports: which port a configured scanner is on right now.

A scanner is named by USB VID/PID (+ serial number, when two of the same model sit on one station) or by
path (`/dev/serial/by-id/...`, `COM3`). VID/PID is looked up again at every reconnect, because a scanner
plugged back into another socket gets another device name.

Setting `serial_scanners`: specs separated by `;`, each `PORT[,key=value...]`:
    usb:0c2e:0b61                     Honeywell by VID:PID (hex)
    usb:05e0:1200:S/N123,baud=115200  VID:PID and serial number, 115200 baud
    /dev/serial/by-id/usb-Datalogic-if00,parity=E,term=CRLF,name=Left
keys: baud (9600), parity N/E/O/M/S (N), bits 7/8 (8), stop 1/2 (1), term CR/LF/CRLF/TAB/ETX/ANY (ANY: CR or
LF, blank lines skipped), name (shown in the status bar).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from app.errors import ConfigError

TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t", "ETX": b"\x03", "ANY": b""}
_USB = re.compile(r"^usb:([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})(?::(.+))?$")


@dataclass(frozen=True)
class SerialSpec:
    path: str | None = None
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    baud: int = 9600
    parity: str = "N"
    bits: int = 8
    stop: int = 1
    terminator: str = "ANY"
    name: str = ""

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.path:
            return self.path
        sn = f" {self.serial_number}" if self.serial_number else ""
        return f"USB {self.vid:04x}:{self.pid:04x}{sn}"


@dataclass(frozen=True)
class PortInfo:
    device: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    description: str
    manufacturer: str | None

    def spec_text(self) -> str:
        """What to write in `serial_scanners` to pick this port by USB ids."""
        if self.vid is None or self.pid is None:
            return self.device
        sn = f":{self.serial_number}" if self.serial_number else ""
        return f"usb:{self.vid:04x}:{self.pid:04x}{sn}"


def parse_specs(text: str) -> list[SerialSpec]:
    specs = [parse_spec(part.strip()) for part in text.split(";") if part.strip()]
    names = [s.label for s in specs]
    if len(set(names)) != len(names):
        raise ConfigError("serial_scanners: two scanners have the same name or port; give each its own name=…")
    return specs


def parse_spec(text: str) -> SerialSpec:
    where = f"serial_scanners: '{text}'"
    port, *options = [p.strip() for p in text.split(",")]
    usb = _USB.match(port)
    values: dict[str, object] = {}
    if usb:
        values.update(vid=int(usb.group(1), 16), pid=int(usb.group(2), 16), serial_number=usb.group(3))
    elif port.lower().startswith("usb:"):
        raise ConfigError(f"{where}: write USB ids as usb:VID:PID[:SERIAL] in hex, e.g. usb:0c2e:0b61 "
                          "(`returns-desk scanners` lists them).")
    elif port:
        values["path"] = port
    else:
        raise ConfigError(f"{where}: say which port, e.g. usb:0c2e:0b61 or /dev/serial/by-id/… or COM3.")
    for option in options:
        key, _, value = option.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key == "baud" and value.isdigit() and 300 <= int(value) <= 4_000_000:
            values["baud"] = int(value)
        elif key == "parity" and value.upper() in ("N", "E", "O", "M", "S"):
            values["parity"] = value.upper()
        elif key == "bits" and value in ("7", "8"):
            values["bits"] = int(value)
        elif key == "stop" and value in ("1", "2"):
            values["stop"] = int(value)
        elif key == "term" and value.upper() in TERMINATORS:
            values["terminator"] = value.upper()
        elif key == "name" and value:
            values["name"] = value[:30]
        else:
            raise ConfigError(
                f"{where}: '{option}' is not understood. Use baud=9600, parity=N|E|O, bits=7|8, stop=1|2, "
                f"term={'|'.join(TERMINATORS)}, name=…"
            )
    return SerialSpec(**values)  # type: ignore[arg-type]


def list_ports() -> list[PortInfo]:
    from serial.tools import list_ports as lp

    return [
        PortInfo(p.device, p.vid, p.pid, p.serial_number, p.description or "", p.manufacturer)
        for p in sorted(lp.comports(), key=lambda p: p.device)
    ]


def resolve(spec: SerialSpec, ports: list[PortInfo] | None = None) -> str | None:
    """The device to open now, or None when the scanner is not plugged in."""
    if spec.path:
        # COM ports cannot be checked with os.path; opening them tells.
        return spec.path if os.name == "nt" or os.path.exists(spec.path) else None
    for port in ports if ports is not None else list_ports():
        if (port.vid, port.pid) == (spec.vid, spec.pid) and (
            spec.serial_number is None or port.serial_number == spec.serial_number
        ):
            return port.device
    return None
