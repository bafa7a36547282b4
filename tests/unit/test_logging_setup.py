"""The station's log: a rotating, size-bounded file; sign-ins, finalizes and print results are in it; no PIN, no
password, no PIN hash ever is."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app import logging_setup
from app.db.models import Operator
from app.errors import SignInError
from app.logging_setup import configure_logging, redact, stop_logging
from app.services.print_loop import PrintQueue
from tests.helpers import answer_all, rma_line_plain, scan


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "log"
    configure_logging(folder)
    yield folder
    stop_logging()


def _text(folder: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("returns-desk.log*")))


def test_a_station_day_is_in_the_log_without_a_pin(log_folder, desk, db):
    worker = desk.sign_in("B1001", "1111")
    with pytest.raises(SignInError):
        desk.sign_in("B1001", "9876")
    rma, gtin = rma_line_plain(db)
    item = answer_all(desk, desk.start_intake(worker, scan(desk, gtin), rma))
    final = desk.finalize(worker, item.id)
    PrintQueue(db, desk.ctx).process_due()
    with db.unit_of_work() as uow:
        pin_hash = uow.session.scalars(select(Operator.pin_hash).where(Operator.badge == "B1001")).one()
    text = _text(log_folder)
    assert "signed_in at D01" in text and "badge B1001" in text
    assert "sign_in_failed" in text
    assert f"finalized at D01 by operator {worker.id}" in text and str(final.lpn) in text
    assert "print job label on printer files: done" in text
    assert "1111" not in text and "9876" not in text
    assert pin_hash and pin_hash not in text and "scrypt$" not in text


def test_a_rolled_back_audit_event_is_not_logged(log_folder, desk, db):
    from app.db.models import AuditEvent

    with pytest.raises(RuntimeError), db.unit_of_work() as uow:
        uow.session.add(AuditEvent(station_id="D01", action="never_happened", detail=""))
        uow.session.flush()
        raise RuntimeError("rolled back")
    assert "never_happened" not in _text(log_folder)


def test_secrets_in_messages_arguments_and_tracebacks_are_hidden(log_folder):
    log = logging.getLogger("tests.secrets")
    log.info("central at %s", "postgresql+psycopg://station:Sup3rSecret@db.example/returns")
    log.warning("env RETURNS_DESK_CENTRAL_PASSWORD=hunter2 pin=4821")
    try:
        raise ValueError("connect failed for mysql+pymysql://root:Tr0ub4dor@10.0.0.9/x")
    except ValueError:
        log.exception("sync failed")
    text = _text(log_folder)
    assert "db.example" in text and "Traceback" in text and "ValueError" in text
    for secret in ("Sup3rSecret", "hunter2", "4821", "Tr0ub4dor"):
        assert secret not in text


def test_the_log_rotates_and_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 20_000)
    monkeypatch.setattr(logging_setup, "BACKUP_COUNT", 3)
    folder = tmp_path / "log"
    path = configure_logging(folder)
    try:
        log = logging.getLogger("tests.rotate")
        for n in range(3000):
            log.info("line %05d %s", n, "x" * 60)
    finally:
        stop_logging()
    files = sorted(folder.glob("returns-desk.log*"))
    assert path in files and len(files) == 4  # the current file and three old ones, no more
    assert sum(f.stat().st_size for f in files) <= 4 * 20_000 + 200
    assert "line 02999" in path.read_text()


def test_redact_keeps_what_is_not_secret():
    assert redact("wrong PIN 3 for badge B1001") == "wrong PIN 3 for badge B1001"
    assert redact("postgresql+psycopg://station@db/returns") == "postgresql+psycopg://station@db/returns"
    assert redact("sqlite:////var/lib/x.db") == "sqlite:////var/lib/x.db"
    assert redact("a://u:p4ss@h/x") == "a://u:***@h/x"
    assert redact('"pin_hash": "scrypt$16384$8$1$YWJj$ZGVm"') == '"pin_hash": "***"'


def test_help_says_where_the_logs_are(capsys):
    from app.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert str(logging_setup.log_dir()) in out and "doctor" in out
