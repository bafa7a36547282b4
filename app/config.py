"""Layered station configuration: defaults < system file < user file < environment < command line.

Files are TOML with the same keys as `Settings`. The system file is where IT's installer writes the site
configuration; the user file is for one station's own tweaks.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from app.errors import ConfigError
from app.printing.tables import printers_text
from app.scanning.ports import parse_specs, specs_text

APP_NAME = "ReturnsDesk"
ENV_PREFIX = "RETURNS_DESK_"
STATION_ID_PATTERN = re.compile(r"^[A-Z0-9]{2,6}$")
VERSION_PATTERN = re.compile(r"^\d+(\.\d+){0,3}$")
# standalone: local SQLite only; station: local SQLite + sync; direct: work on the central database.
MODES = ("standalone", "station", "direct")


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'returns-desk.db'}"


def system_config_file() -> Path:
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "station.toml"


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "station.toml"


@dataclass(frozen=True)
class Settings:
    station_id: str = "D01"
    db: str = field(default_factory=default_db_url)
    # Pattern an RMA label matches; the default fits the demo data ("RMA" + 6 or more digits).
    rma_pattern: str = r"^RMA\d{6,}$"
    # Pattern of an operator badge.
    badge_pattern: str = r"^B\d{4,}$"
    # A wedge scan ends with one of these keys.
    scan_terminators: str = "enter,tab"
    # Keys of a scanner arrive faster than this many milliseconds apart; a person types slower.
    burst_gap_ms: int = 40
    sound: bool = True
    # Full screen without window decorations; closing is refused while someone is signed in (F12 first).
    kiosk: bool = False
    # Extra folders searched before the shipped resources (site-specific rules and checklists).
    rules_dir: str = ""
    checklists_dir: str = ""
    # Scanners (issue 3; README "Scanners"). A wedge burst needs at least this many characters.
    scan_min_length: int = 4
    # What the scanner adds before/after the code, and sends instead of the GS1 separator (ASCII 29);
    # written as text, `\x1d` / `<GS>` escapes allowed. Set by the scanner setup wizard.
    scan_prefix: str = ""
    scan_suffix: str = ""
    gs_substitute: str = ""
    # Serial scanners, `;`-separated: usb:VID:PID[:SERIAL] or a path, then ,baud= ,parity= ,term= ,name=
    # (or, in a file, TOML tables: docs/site-config.md); kept as the string form whichever was written.
    serial_scanners: str = ""
    # Printing (issue 4, docs/printing.md): printers as "name=tcp://HOST:9100, name=lp://QUEUE, name=file:DIR"
    # (or a TOML table of them); empty = one printer "files" that saves jobs in the user data folder.
    printers: str = ""
    label_printer: str = "files"
    slip_printer: str = "files"
    label_size: str = "2x1"  # 2x1 | 4x6 (inches)
    label_dpi: int = 203  # 203 | 300
    slip_format: str = "4x6"  # 4x6 | A6 | Letter
    routing_file: str = ""  # replaces resources/printing/routing.toml
    # A Unicode TrueType font on the ZPL printers, e.g. E:TT0003M_.TTF; empty = font 0, text transliterated.
    zpl_unicode_font: str = ""
    # Central database (issue 5, docs/central-database.md): standalone | station | direct.
    mode: str = "standalone"
    # SQLAlchemy URL without a password (env RETURNS_DESK_CENTRAL_DB; password from env or keyring).
    central_db: str = ""
    sync_interval_s: int = 30
    # The longest one central round trip may take (statement, read, write timeouts; a silent link is cut then).
    central_timeout_s: int = 30
    # Supervisor's board (issue 10): when shifts start, local time; "this shift" counts from the latest start.
    shift_starts: str = "06:00,14:00,22:00"
    # Fleet (issue 11, docs/fleet.md): stations older than this version say they must be upgraded and do not
    # sync (their changes wait); empty = any version. A station not seen for `fleet_offline_min` minutes is
    # offline, and a queue whose oldest entry waits longer than `fleet_stuck_min` minutes is stuck.
    min_version: str = ""
    fleet_offline_min: int = 15
    fleet_stuck_min: int = 30

    def with_overrides(self, values: dict[str, Any], source: str) -> Settings:
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{source}: unknown setting '{key}'. Known settings: {', '.join(known)}.")
            default = getattr(Settings, key, None) if key != "db" else ""
            expected = type(default) if default is not None else str
            try:
                clean[key] = _coerce(_from_table(key, value), expected)
            except ValueError as exc:
                raise ConfigError(f"{source}: setting '{key}': {exc}") from None
            except ConfigError as exc:
                raise ConfigError(f"{source}: {exc}") from None
        result = replace(self, **clean)
        result.validate(source)
        return result

    def validate(self, source: str = "configuration") -> None:
        if not STATION_ID_PATTERN.match(self.station_id):
            raise ConfigError(
                f"{source}: station_id '{self.station_id}' must be 2 to 6 capital letters or digits, e.g. D01."
            )
        if self.mode not in MODES:
            raise ConfigError(f"{source}: mode '{self.mode}' must be one of: {', '.join(MODES)}.")
        self._validate_fleet(source)
        if self.sync_interval_s < 1:
            raise ConfigError(f"{source}: sync_interval_s must be at least 1 second.")
        unknown = {t.strip() for t in self.scan_terminators.split(",")} - {"enter", "tab"}
        if unknown or not self.scan_terminators.strip():
            raise ConfigError(f"{source}: scan_terminators '{self.scan_terminators}': use enter, tab or enter,tab.")
        if not 1 <= self.scan_min_length <= 64:
            raise ConfigError(f"{source}: scan_min_length must be 1 to 64 characters, not {self.scan_min_length}.")
        try:
            parse_specs(self.serial_scanners)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        try:
            parse_shift_starts(self.shift_starts)
        except ValueError as exc:
            raise ConfigError(f"{source}: shift_starts '{self.shift_starts}': {exc}") from None
        for name in ("rma_pattern", "badge_pattern"):
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise ConfigError(f"{source}: {name} is not a valid pattern: {exc}") from None

    def _validate_fleet(self, source: str) -> None:
        if self.min_version and not VERSION_PATTERN.match(self.min_version):
            raise ConfigError(f"{source}: min_version '{self.min_version}' must be a version like 1.4 or 1.4.2.")
        if self.fleet_offline_min < 1 or self.fleet_stuck_min < 1:
            raise ConfigError(f"{source}: fleet_offline_min and fleet_stuck_min must be at least 1 minute.")


def _from_table(key: str, value: Any) -> Any:
    """`printers` and `serial_scanners` written as TOML tables, turned into their string form (checked there)."""
    if not isinstance(value, (dict, list)):
        return value
    if key == "printers":
        return printers_text(value)
    if key == "serial_scanners":
        return specs_text(value)
    raise ValueError("expected a single value, not a table or a list")


def _coerce(value: Any, expected: type) -> Any:
    if expected is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected yes/no, got '{value}'")
    if expected is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number, got '{value}'") from None
    return str(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file or remove it.") from None


def load_settings(
    cli: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    system_file: Path | None = None,
    user_file: Path | None = None,
) -> Settings:
    settings = Settings()
    for path in (system_file or system_config_file(), user_file or user_config_file()):
        if path.is_file():
            settings = settings.with_overrides(_read_toml(path), str(path))
    env = dict(os.environ) if env is None else env
    from_env = {
        f.name: env[ENV_PREFIX + f.name.upper()] for f in fields(Settings) if ENV_PREFIX + f.name.upper() in env
    }
    if from_env:
        settings = settings.with_overrides(from_env, "environment")
    if cli:
        settings = settings.with_overrides({k: v for k, v in cli.items() if v is not None}, "command line")
    return settings


def parse_shift_starts(text: str) -> list[tuple[int, int]]:
    """ "06:00,14:00,22:00" -> [(6, 0), (14, 0), (22, 0)], sorted; at least one start."""
    starts = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        hour, _, minute = part.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"'{part}' is not a time like 06:00")
        starts.append((int(hour), int(minute)))
    if not starts:
        raise ValueError("give at least one shift start, e.g. 06:00")
    return sorted(starts)
