"""`returns-desk doctor`: words or JSON, exit code 1 on any failure, within 5 s even with a hanging printer and a
silent central database; `--bundle` collects logs, settings and the report with every secret removed."""

from __future__ import annotations

import json
import socket
import threading
import time
import zipfile
from collections.abc import Iterator

import pytest

from app.cli import main
from app.config import Settings
from app.doctor.bundle import write_bundle
from app.doctor.report import run_checks
from app.security import hash_pin
from tests.helpers import copy_sqlite
from tests.printer_server import PrinterServer


@pytest.fixture
def station(db_templates, tmp_path, monkeypatch) -> Settings:
    """A station with its own folders: database copied from the demo, logs and settings in the test's folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DISPLAY", raising=False)
    path = copy_sqlite(db_templates.demo, tmp_path / "station.db")
    return Settings(db=f"sqlite:///{path}", printers=f"files=file:{tmp_path / 'printed'}")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word (a hung proxy in front of the central database)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield sock.getsockname()[1]
    stop.set()
    sock.close()
    for conn in held:
        conn.close()


def test_a_healthy_station_exits_zero_with_json(station, capsys):
    code = main(["--db", station.db, "doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    statuses = {f["check"]: f["status"] for f in report["findings"]}
    assert code == 0 and report["ok"] is True
    assert statuses["settings"] == statuses["database"] == statuses["migration"] == statuses["rules"] == "ok"
    assert {"qt", "disk", "folder:data", "folder:log"} <= set(statuses)
    assert report["version"] and report["build"] and report["seconds"] < 5


def test_any_failure_gives_exit_code_one_and_says_what_to_do(station, tmp_path, capsys, monkeypatch):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "grading.toml").write_text("not toml at all [")
    monkeypatch.setenv("RETURNS_DESK_RULES_DIR", str(tmp_path / "rules"))
    code = main(["--db", station.db, "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[FAIL]" in out and "grading.toml" in out and "what to do:" in out


def test_settings_that_do_not_load_are_a_finding(station, tmp_path, capsys):
    config = tmp_path / "config" / "ReturnsDesk" / "station.toml"
    config.parent.mkdir(parents=True)
    config.write_text("mode = 'satellite'\n")
    assert main(["doctor", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    first = report["findings"][0]
    assert first["check"] == "settings" and first["status"] == "failed" and "satellite" in first["summary"]


def test_doctor_answers_within_5_s_with_a_hanging_printer_and_a_silent_central(station, silent_server, tmp_path,
                                                                                 monkeypatch):
    from dataclasses import replace

    monkeypatch.setenv("RETURNS_DESK_CENTRAL_PASSWORD", "x")
    with PrinterServer() as printer:
        printer.mode = "hang"
        settings = replace(station, mode="station", printers=f"zebra=tcp://127.0.0.1:{printer.port}",
                           label_printer="zebra", slip_printer="zebra",
                           central_db=f"postgresql+psycopg://station@127.0.0.1:{silent_server}/returns")
        started = time.monotonic()
        report = run_checks(settings, tmp_path / "logs")
        took = time.monotonic() - started
    found = {f.check: f for f in report.findings}
    assert took < 5.0
    assert report.failed
    assert found["printer:zebra"].status == "failed"
    assert found["central"].status == "failed"


def test_the_bundle_has_logs_settings_and_report_without_secrets(station, tmp_path, monkeypatch):
    from dataclasses import replace

    log_folder = tmp_path / "logs"
    log_folder.mkdir()
    pin_hash = hash_pin("4821")
    (log_folder / "returns-desk.log").write_text(
        "2026-12-01 INFO app: started\n"
        "2026-12-01 WARNING sync: central postgresql+psycopg://station:LogSecret1@db.example/returns refused\n"
        f"2026-12-01 ERROR x: row {{'pin_hash': '{pin_hash}'}}\n")
    (log_folder / "returns-desk.log.1").write_text("older line password=OldSecret2\n")
    (log_folder / "crash-20261201-100000-exception.txt").write_text("Traceback: boom token=TokSecret3\n")
    config = tmp_path / "station.toml"
    config.write_text("# site\nstation_id = \"D07\"\ncentral_db = \"postgresql+psycopg://st:UrlSecret4@db/r\"\n"
                      "central_password = \"FileSecret5\"\n")
    monkeypatch.setenv("RETURNS_DESK_CENTRAL_PASSWORD", "EnvSecret6")
    settings = replace(station, central_db="mysql+pymysql://root:SetSecret7@10.0.0.9/returns")
    report = run_checks(settings, log_folder)
    target = tmp_path / "out" / "support.zip"
    names = write_bundle(target, report, settings, log_folder, config_files=[config])
    assert {"doctor.txt", "doctor.json", "settings.json", "environment.txt", "logs/returns-desk.log",
            "logs/returns-desk.log.1", "logs/crash-20261201-100000-exception.txt"} <= set(names)
    assert any(n.startswith("config/") for n in names)
    with zipfile.ZipFile(target) as bundle:
        everything = "\n".join(bundle.read(n).decode() for n in bundle.namelist())
    assert "started" in everything and "db.example" in everything and "station_id = \"D07\"" in everything
    assert "RETURNS_DESK_CENTRAL_PASSWORD=***" in everything
    for secret in ("LogSecret1", pin_hash, "OldSecret2", "TokSecret3", "UrlSecret4", "FileSecret5", "EnvSecret6",
                   "SetSecret7", "scrypt$"):
        assert secret not in everything, secret


def test_bundle_from_the_command_line(station, tmp_path, capsys):
    target = tmp_path / "support.zip"
    assert main(["--db", station.db, "doctor", "--bundle", str(target)]) == 0
    assert "Support bundle written" in capsys.readouterr().out
    with zipfile.ZipFile(target) as bundle:
        report = json.loads(bundle.read("doctor.json"))
    assert report["ok"] is True and report["station_id"] == "D01"
