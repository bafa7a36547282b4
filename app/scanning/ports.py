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

In a TOML file the same can be written as tables (`specs_text` turns them into the string form):
    serial_scanners = [{ port = "usb:0c2e:0b61", baud = 115200, name = "Left" }, { port = "COM3" }]
or one table per scanner, named by its key:
    [serial_scanners.Left]
    port = "usb:0c2e:0b61"
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


# Keys of a scanner written as a TOML table, and the option each one becomes in the string form.
TABLE_KEYS = {"port": "", "baud": "baud", "parity": "parity", "bits": "bits", "stop": "stop", "term": "term",
              "name": "name"}


def specs_text(value: list[Any] | dict[str, Any]) -> str:
    """Scanners written as TOML tables (a list of tables, or tables named by their key), as the string form;
    plain strings in the list are taken as they are. Checked with `parse_specs`."""
    if isinstance(value, dict):
        entries = [_spec_from_table({"name": name, **table} if isinstance(table, dict) else table, name)
                   for name, table in value.items()]
    else:
        entries = [_spec_from_table(entry, str(n + 1)) for n, entry in enumerate(value)]
    text = "; ".join(entries)
    parse_specs(text)
    return text


def _spec_from_table(entry: Any, which: str) -> str:
    if isinstance(entry, str):
        return entry
    where = f"serial_scanners: scanner {which}"
    if not isinstance(entry, dict) or not isinstance(entry.get("port"), str) or not entry["port"].strip():
        raise ConfigError(f"{where}: write it as a table with a port, e.g. {{ port = \"usb:0c2e:0b61\" }}.")
    unknown = set(entry) - set(TABLE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: '{', '.join(sorted(unknown))}' is not understood. "
                          f"Use {', '.join(TABLE_KEYS)}.")
    parts = [_plain(entry["port"].strip(), where)]
    parts += [f"{TABLE_KEYS[key]}={_plain(str(value), where)}" for key, value in entry.items() if key != "port"]
    return ",".join(parts)


def _plain(text: str, where: str) -> str:
    # The string form separates scanners with ';' and options with ',': a value cannot hold them.
    if ";" in text or "," in text:
        raise ConfigError(f"{where}: '{text}' cannot contain ',' or ';'.")
    return text


def parse_specs(text: str) -> list[SerialSpec]:
    specs = [parse_spec(part.strip()) for part in text.split(";") if part.strip()]
    names = [s.label for s in specs]
    if len(set(names)) != len(names):
        raise ConfigError("serial_scanners: two scanners have the same name or port; give each its own name=…")
    return specs


def parse_spec(text: str) -> SerialSpec:
    where = f"serial_scanners: '{text}'"
    port, *options = [p.strip() for p in text.split(",")]
    values = _port_values(port, where)
    for option in options:
        key, _, value = option.partition("=")
        read = _OPTIONS.get(key.strip().lower())
        parsed = read(value.strip()) if read is not None else None
        if parsed is None:
            raise ConfigError(
                f"{where}: '{option}' is not understood. Use baud=9600, parity=N|E|O, bits=7|8, stop=1|2, "
                f"term={'|'.join(TERMINATORS)}, name=…"
            )
        values.update(parsed)
    return SerialSpec(**values)  # type: ignore[arg-type]


def _port_values(port: str, where: str) -> dict[str, object]:
    usb = _USB.match(port)
    if usb:
        return {"vid": int(usb.group(1), 16), "pid": int(usb.group(2), 16), "serial_number": usb.group(3)}
    if port.lower().startswith("usb:"):
        raise ConfigError(f"{where}: write USB ids as usb:VID:PID[:SERIAL] in hex, e.g. usb:0c2e:0b61 "
                          "(`returns-desk scanners` lists them).")
    if not port:
        raise ConfigError(f"{where}: say which port, e.g. usb:0c2e:0b61 or /dev/serial/by-id/… or COM3.")
    return {"path": port}


def _choice(field: str, allowed: tuple[str, ...], convert: type = str) -> Callable[[str], dict[str, object] | None]:
    def read(value: str) -> dict[str, object] | None:
        return {field: convert(value.upper())} if value.upper() in allowed else None
    return read


def _baud(value: str) -> dict[str, object] | None:
    return {"baud": int(value)} if value.isdigit() and 300 <= int(value) <= 4_000_000 else None


def _name(value: str) -> dict[str, object] | None:
    return {"name": value[:30]} if value else None


# Each option: its value as SerialSpec fields, or None when the value is not allowed.
_OPTIONS: dict[str, Callable[[str], dict[str, object] | None]] = {
    "baud": _baud,
    "parity": _choice("parity", ("N", "E", "O", "M", "S")),
    "bits": _choice("bits", ("7", "8"), int),
    "stop": _choice("stop", ("1", "2"), int),
    "term": _choice("terminator", tuple(TERMINATORS)),
    "name": _name,
}


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
