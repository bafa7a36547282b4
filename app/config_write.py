"""Saving a station's own settings (the scanner setup wizard's) to the user file, keeping the others.

Only flat keys of `Settings` are written (strings, whole numbers, yes/no), so a tiny TOML writer is enough.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from app.config import Settings, user_config_file
from app.errors import ConfigError


def save_user_settings(values: dict[str, Any], path: Path | None = None) -> Path:
    """Merge `values` into the user's station.toml (validated first: a bad value is never written)."""
    target = path or user_config_file()
    current: dict[str, Any] = {}
    if target.is_file():
        try:
            current = tomllib.loads(target.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{target}: not valid TOML ({exc}). Fix the file or remove it.") from None
    merged = {**current, **values}
    Settings().with_overrides(merged, str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{key} = {_toml_value(value)}" for key, value in merged.items()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A JSON string is a valid TOML basic string (\uXXXX escapes for control characters such as GS).
    return json.dumps(str(value), ensure_ascii=False)
