"""Reads never wait for the write lock (writes take it before they read: BEGIN IMMEDIATE, see
tests/integration/test_two_processes.py)."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import func, select

from app.db.models import Product
from app.db.uow import Database


def hold_write_lock(db: Database) -> sqlite3.Connection:
    """Another process's writer in the middle of a transaction (a sync batch, a print mark)."""
    path = db.url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_read_only_unit_does_not_wait_for_a_writer(db: Database) -> None:
    other = hold_write_lock(db)
    try:
        started = time.perf_counter()
        with db.unit_of_work(read_only=True) as uow:
            products = uow.session.scalar(select(func.count()).select_from(Product))
        assert products and time.perf_counter() - started < 1.0  # the busy timeout is 5 s
    finally:
        other.rollback()
        other.close()
