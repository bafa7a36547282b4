"""Saving a station's own settings (the scanner setup wizard's) to the user file, keeping the others.

The file is edited with tomlkit, not rewritten: IT's comments, the order of the keys, blank lines and tables
(`printers`, `serial_scanners` written as TOML tables) stay as they were; only the values saved change.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.toml_document import TOMLDocument

from app.config import Settings, user_config_file
from app.errors import ConfigError


def save_user_settings(values: dict[str, Any], path: Path | None = None) -> Path:
    """Merge `values` into the user's station.toml (validated first: a bad value is never written)."""
    target = path or user_config_file()
    document = _read_document(target)
    merged = {**document.unwrap(), **values}
    Settings().with_overrides(merged, str(target))
    for key, value in values.items():
        _set(document, key, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, tomlkit.dumps(document))
    return target


def _read_document(target: Path) -> TOMLDocument:
    if not target.is_file():
        return tomlkit.document()
    try:
        return tomlkit.parse(target.read_text(encoding="utf-8"))
    except TOMLKitError as exc:
        raise ConfigError(f"{target}: not valid TOML ({exc}). Fix the file or remove it.") from None


def _set(document: TOMLDocument, key: str, value: Any) -> None:
    """tomlkit replaces a value where it stands (its end-of-line comment kept) and puts a new key before the
    first table, where TOML wants top-level keys (both tested)."""
    document[key] = value


def _write_atomically(target: Path, text: str) -> None:
    # A crash or a full disk mid-write must not leave half a settings file: write aside, then swap.
    fd, temp = tempfile.mkstemp(prefix=".station-", suffix=".toml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
