"""The database file is the truth (issue 9, section 4): a file deleted or replaced under the running app stops
work in words; a full or read-only disk is named as such; a station whose file lost its LPNs makes no new one."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app import cli
from app.config import load_settings
from app.db.models import ReturnItem
from app.db.uow import Database
from app.errors import DatabaseFileGone, DatabaseFull, DatabaseReadOnly, StationDatabaseReset
from app.wiring import build_station
from tests.helpers import answer_all, copy_sqlite, product_where, scan


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _new_item(desk):
    product = product_where(desk.db, serialized=False)
    worker = desk.sign_in("B1001", "1111")
    return worker, answer_all(desk, desk.start_intake(worker, scan(desk, product.gtin)))


def test_deleting_the_file_under_a_running_desk_stops_the_next_write(desk, worker, db):
    product = product_where(db, serialized=False)
    path = Path(db.engine.url.database or "")
    for file in _sqlite_files(path):
        file.unlink(missing_ok=True)
    with pytest.raises(DatabaseFileGone, match=r"was deleted while Returns Desk was running.*restore the file"):
        desk.start_intake(worker, scan(desk, product.gtin))
    with pytest.raises(DatabaseFileGone):  # and every step after it: no work goes into a file that is gone
        desk.sign_in("B1001", "1111")
    assert not path.exists()  # nor was a new empty file made in its place


def test_a_file_replaced_under_the_app_is_refused(desk, worker, db, db_templates):
    path = Path(db.engine.url.database or "")
    copy_sqlite(db_templates.demo, path.with_name("other.db"))
    os.replace(path.with_name("other.db"), path)
    with pytest.raises(DatabaseFileGone, match="was replaced by another file"):
        desk.sign_in("B1001", "1111")


def test_a_file_deleted_during_a_step_rolls_the_step_back(desk, worker, db):
    path = Path(db.engine.url.database or "")
    with pytest.raises(DatabaseFileGone), db.unit_of_work() as uow:
        uow.session.execute(text("UPDATE operator SET name = 'changed'"))
        path.unlink()


def test_full_disk_is_named(db):
    # SQLite's real SQLITE_FULL, from its own page limit (the tmpfs test below fills a real disk).
    with pytest.raises(DatabaseFull, match="disk holding the database .* is full.*free space"), \
            db.unit_of_work() as uow:
        pages = uow.session.execute(text("PRAGMA page_count")).scalar_one()
        uow.session.execute(text(f"PRAGMA max_page_count = {pages}"))
        uow.session.execute(text("CREATE TABLE filler (x BLOB)"))
        for _ in range(20):
            uow.session.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), for root on Linux; skipped where it cannot be mounted."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_real_full_disk_is_named(small_disk):
    db = Database(f"sqlite:///{small_disk / 'station.db'}")
    try:
        with db.unit_of_work() as uow:
            uow.session.execute(text("CREATE TABLE filler (x BLOB)"))
        with pytest.raises(DatabaseFull, match="is full"):
            for _ in range(100):
                with db.unit_of_work() as uow:
                    uow.session.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))
    finally:
        db.dispose()


def test_read_only_file_and_folder_are_named(tmp_path, small_disk_or_folder):
    folder = small_disk_or_folder
    db = Database(f"sqlite:///{folder / 'station.db'}")
    with db.unit_of_work() as uow:
        uow.session.execute(text("CREATE TABLE t (x INTEGER)"))
    db.dispose()
    make_read_only(folder)
    db = Database(f"sqlite:///{folder / 'station.db'}")
    try:
        with pytest.raises(DatabaseReadOnly, match="cannot be written.*read-only.*writable"), \
                db.unit_of_work() as uow:
            uow.session.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        db.dispose()


@pytest.fixture
def small_disk_or_folder(tmp_path: Path) -> Iterator[Path]:
    """Root ignores file modes, so as root the folder is a tmpfs remounted read-only; else chmod 0444/0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True).returncode == 0
    if os.geteuid() == 0 and not mounted:
        pytest.skip("as root a read-only folder needs a tmpfs mount")
    yield folder
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        folder.chmod(0o755)
        for file in folder.iterdir():
            file.chmod(0o644)


def make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return
    for file in folder.iterdir():
        file.chmod(0o444)
    folder.chmod(0o555)


def test_a_station_whose_file_lost_its_lpns_makes_no_new_one(desk, db, tmp_path, db_templates, capsys):
    worker, item = _new_item(desk)
    assert desk.finalize(worker, item.id).lpn == "LP-D01-0000001"
    path = Path(db.engine.url.database or "")
    marker = path.with_name(path.name + ".station-id")
    assert marker.read_text() == "D01\n"
    db.dispose()
    for file in _sqlite_files(path):  # IT (or a script) deleted the file; a fresh one is put in its place
        file.unlink(missing_ok=True)
    copy_sqlite(db_templates.demo, path)

    settings = load_settings(env={"RETURNS_DESK_DB": db.url, "RETURNS_DESK_STATION_ID": "D01"},
                             system_file=tmp_path / "none.toml", user_file=tmp_path / "none.toml")
    with pytest.raises(StationDatabaseReset, match=r"D01 has made LPNs before.*restore the database file.*seed-lpn"):
        build_station(settings)  # at start-up, in words
    fresh = Database(db.url)  # and at the first LPN, whoever tries (the CLI's demo load, a script)
    desk.db = fresh
    worker, item = _new_item(desk)
    with pytest.raises(StationDatabaseReset):
        desk.finalize(worker, item.id)
    with fresh.unit_of_work() as uow:
        assert uow.session.get(ReturnItem, item.id).status == "draft"
    fresh.dispose()
    # IT sets the counter above the last LPN the station printed: the station works again from there.
    assert cli.main(["--db", db.url, "--station", "D01", "db", "seed-lpn", "42"]) == 0
    assert "the next LPN is LP-D01-0000042" in capsys.readouterr().out
    build_station(settings).close()
    assert desk.finalize(worker, item.id).lpn == "LP-D01-0000042"


def test_a_file_made_before_the_marker_existed_gets_one_at_start(desk, db, tmp_path):
    worker, item = _new_item(desk)
    desk.finalize(worker, item.id)
    path = Path(db.engine.url.database or "")
    marker = path.with_name(path.name + ".station-id")
    marker.unlink()
    db.dispose()
    settings = load_settings(env={"RETURNS_DESK_DB": db.url, "RETURNS_DESK_STATION_ID": "D01"},
                             system_file=tmp_path / "none.toml", user_file=tmp_path / "none.toml")
    build_station(settings).close()
    assert marker.read_text() == "D01\n"
