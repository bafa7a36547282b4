"""`doctor --bundle FILE.zip`: what support asks for in one file: the doctor report (words and JSON), the
effective settings and the settings files, the logs and the crash reports. Passwords, PIN hashes and URL
passwords are replaced by *** in every file that goes in; the database itself never goes in."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import asdict
from pathlib import Path

from app.config import ENV_PREFIX, Settings, system_config_file, user_config_file
from app.doctor.report import Report, to_json
from app.logging_setup import HIDDEN, redact

MAX_FILE_BYTES = 5 * 1024 * 1024  # the tail of a bigger file: the end is where the trouble is
_SECRET_SETTINGS = ("password", "secret", "token", "pin")


def write_bundle(target: Path, report: Report, settings: Settings, log_folder: Path,
                 config_files: list[Path] | None = None) -> list[str]:
    """Write the zip; returns the names inside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = config_files if config_files is not None else [system_config_file(), user_config_file()]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("doctor.txt", redact(report.as_text()) + "\n")
        bundle.writestr("doctor.json", redact(to_json(report)) + "\n")
        bundle.writestr("settings.json", json.dumps(redacted_settings(settings), indent=2) + "\n")
        bundle.writestr("environment.txt", _environment())
        for index, path in enumerate(p for p in files if p.is_file()):
            bundle.writestr(f"config/{index}-{path.name}", f"# {path}\n" + redact(_read_tail(path)))
        for path in _log_files(log_folder):
            bundle.writestr(f"logs/{path.name}", redact(_read_tail(path)))
        return bundle.namelist()


def redacted_settings(settings: Settings) -> dict[str, object]:
    values = asdict(settings)
    for key, value in values.items():
        if any(word in key for word in _SECRET_SETTINGS) and value:
            values[key] = HIDDEN
        elif isinstance(value, str):
            values[key] = redact(value)
    return values


def _environment() -> str:
    """The RETURNS_DESK_* and Qt variables (the ones that change how the station runs), secrets hidden."""
    names = sorted(n for n in os.environ if n.startswith((ENV_PREFIX, "QT_")) or n in ("DISPLAY", "WAYLAND_DISPLAY"))
    return "".join(redact(f"{name}={os.environ[name]}") + "\n" for name in names)


def _log_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    wanted = [p for p in folder.iterdir() if p.is_file() and (".log" in p.name or p.name.startswith("crash-")
                                                               or p.name == "faulthandler.txt")]
    return sorted(p for p in wanted if not p.name.endswith(".seen"))


def _read_tail(path: Path) -> str:
    with path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - MAX_FILE_BYTES))
        return fh.read().decode("utf-8", errors="replace")
