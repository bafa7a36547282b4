"""What the sync unit tests share: a central database on a real SQLite file, migrated, with the demo master data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data


@pytest.fixture
def central(tmp_path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'central.db'}")
    migrate.upgrade(db)
    load_demo_master_data(db)
    yield db
    db.dispose()
