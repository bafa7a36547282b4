"""Fixtures of the import tests: a migrated SQLite file and a helper that writes CSV files."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.db.uow import Database
from tests.unit.importing.import_helpers import WriteCsv


@pytest.fixture
def idb(empty_db: Database) -> Database:
    """A migrated SQLite file with nothing in it (the shared `empty_db` of tests/conftest.py)."""
    return empty_db


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(
        name: str, header: Sequence[str], rows: Sequence[Sequence[object]], *, bom: bool = False
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write
