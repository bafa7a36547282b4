"""Issue 12: WAL checkpoints run on the print thread between passes, not inside a save's commit, and the WAL stays
bounded: by the print pass while it runs, by SQLite's own (much larger) automatic checkpoint when it does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import engine as db_engine
from app.db.engine import WAL_AUTOCHECKPOINT_PAGES, checkpoint_wal, wal_pages_waiting
from app.db.uow import Database
from app.services.print_loop import PrintQueue
from app.sync.outbox import enable_outbox
from tests.helpers import answer_all, product_where


def _file_of(db: Database) -> Path:
    assert db.file is not None
    return Path(db.file.path)


def _save_items(desk, worker, count: int) -> list[int]:
    gtin = product_where(desk.db, serialized=False).gtin or ""
    waiting = []
    for _ in range(count):
        item = answer_all(desk, desk.start_intake(worker, desk.classify(gtin)))
        desk.save_item(worker, item.id)
        waiting.append(wal_pages_waiting(_file_of(desk.db)))
    return waiting


def test_station_connections_leave_checkpoints_to_the_print_thread(desk):
    with desk.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == WAL_AUTOCHECKPOINT_PAGES


def test_saves_do_not_checkpoint_and_the_print_pass_does(desk, worker):
    enable_outbox(desk.db)
    checkpoint_wal(desk.db.engine, min_pages=1)
    waiting = _save_items(desk, worker, 12)
    assert waiting == sorted(waiting) and waiting[-1] > db_engine.WAL_CHECKPOINT_PAGES  # no commit copied any
    PrintQueue(desk.db, desk.ctx).process_due(sender=lambda *_: None)
    assert wal_pages_waiting(_file_of(desk.db)) == 0
    # The next commits restart the WAL from its beginning: the file does not grow while the print pass runs.
    size = Path(f"{_file_of(desk.db)}-wal").stat().st_size
    _save_items(desk, worker, 3)
    assert Path(f"{_file_of(desk.db)}-wal").stat().st_size == size


def test_below_the_threshold_a_pass_copies_nothing(desk, worker):
    checkpoint_wal(desk.db.engine, min_pages=1)
    _save_items(desk, worker, 1)
    before = wal_pages_waiting(_file_of(desk.db))
    assert 0 < before < db_engine.WAL_CHECKPOINT_PAGES
    assert checkpoint_wal(desk.db.engine) == before and wal_pages_waiting(_file_of(desk.db)) == before


def test_without_the_print_thread_sqlite_bounds_the_wal(tmp_path, monkeypatch):
    """No print pass at all (the CLI, a stopped print thread): the automatic checkpoint still runs at the bound."""
    monkeypatch.setattr(db_engine, "WAL_AUTOCHECKPOINT_PAGES", 40)
    db = Database(f"sqlite:///{tmp_path / 'bound.db'}")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x BLOB)"))
    most = 0
    for _ in range(200):  # about 200 pages written in all, each commit two or three
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (randomblob(5000))"))
        most = max(most, wal_pages_waiting(tmp_path / "bound.db"))
    assert 0 < most <= 40 + 3
    db.dispose()


def test_not_an_sqlite_file_is_left_alone():
    assert checkpoint_wal(Database("sqlite://").engine) is None


@pytest.mark.parametrize("content", [b"", b"\0" * 50])
def test_no_or_short_wal_index_means_nothing_waits(tmp_path, content):
    if content:
        (tmp_path / "x.db-shm").write_bytes(content)
    assert wal_pages_waiting(tmp_path / "x.db") == 0
