"""The `printers` setting written as a TOML table in station.toml, turned into its string form (issue 11).

Kept apart from app/printing/setup.py so that app/config.py can use it while loading settings (setup.py reads
the settings, so it cannot be imported by them).
"""

from __future__ import annotations

from typing import Any

from app.errors import ConfigError
from app.printing.transports import parse_printers

PRINTER_KEYS = ("address", "format", "timeout", "status")


def printers_text(table: dict[str, Any] | list[Any]) -> str:
    """The `printers` setting written as a TOML table, as its string form (checked by `parse_printers`):
    `{ dock = "tcp://10.0.0.5:9100", office = { address = "lp://Office", format = "pdf" } }`; a table's
    `timeout` (seconds) and `status` (yes/no: ask the printer ~HS) are for tcp:// printers."""
    if not isinstance(table, dict):
        raise ConfigError("printers: write a table of name = address, e.g. { dock = \"tcp://10.0.0.5:9100\" }.")
    entries = [f"{_plain(name, name)}={_printer_address(name, spec)}" for name, spec in table.items()]
    text = ", ".join(entries)
    parse_printers(text)
    return text


def _printer_address(name: str, spec: Any) -> str:
    if isinstance(spec, str):
        return _plain(spec.strip(), name)
    where = f"printers: printer '{name}'"
    if not isinstance(spec, dict) or not isinstance(spec.get("address"), str):
        raise ConfigError(f"{where}: give its address, e.g. {{ address = \"tcp://10.0.0.5:9100\" }}.")
    unknown = set(spec) - set(PRINTER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: '{', '.join(sorted(unknown))}' is not understood. Use {', '.join(PRINTER_KEYS)}.")
    address = _plain(spec["address"].strip(), name)
    fmt = spec.get("format")
    if fmt is not None and fmt not in ("zpl", "pdf"):
        raise ConfigError(f"{where}: format '{fmt}' must be zpl or pdf.")
    query = _tcp_options(spec, where, address)
    return (f"{fmt}+" if fmt else "") + address + (f"?{query}" if query else "")


def _tcp_options(spec: dict[str, Any], where: str, address: str) -> str:
    options = []
    if "timeout" in spec:
        if isinstance(spec["timeout"], bool) or not isinstance(spec["timeout"], (int, float)):
            raise ConfigError(f"{where}: timeout is a number of seconds, e.g. 5.")
        options.append(f"timeout={spec['timeout']:g}")
    if "status" in spec:
        if not isinstance(spec["status"], bool):
            raise ConfigError(f"{where}: status is true or false.")
        options.append("status=" + ("yes" if spec["status"] else "no"))
    if options and not address.startswith("tcp://"):
        raise ConfigError(f"{where}: timeout and status are for tcp:// printers only.")
    return "&".join(options)


def _plain(text: str, name: str) -> str:
    # The string form separates printers with ',' (or ';') and a name from its address with '='.
    if any(c in text for c in ",;") or (text == name and "=" in text):
        raise ConfigError(f"printers: '{text}' cannot contain ',' or ';' (nor '=' in a name).")
    return text
