"""Each doctor check on real things: SQLite files (sound, damaged, behind), folders, the disk, rules files, a
loopback Zebra, a CUPS queue without CUPS, serial scanners on a pty, the Qt plugin."""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

import pytest

from app.config import Settings
from app.doctor import hardware, local, qt
from app.printing.transports import parse_printer
from tests.helpers import copy_sqlite
from tests.printer_server import PrinterServer


def test_a_sound_current_database_passes(db_templates, tmp_path):
    path = copy_sqlite(db_templates.demo, tmp_path / "station.db")
    found = {f.check: f for f in local.check_database(Settings(db=f"sqlite:///{path}"))}
    assert found["database"].status == "ok" and "integrity" in found["database"].summary
    assert found["migration"].status == "ok"


def test_a_damaged_database_fails_with_what_to_do(db_templates, tmp_path):
    path = copy_sqlite(db_templates.demo, tmp_path / "station.db")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 12), 7):  # scribble over index and table pages
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    [integrity, *_] = local.check_database(Settings(db=f"sqlite:///{path}"))
    assert integrity.status == "failed"
    assert "backup" in integrity.fix


def test_a_database_behind_the_schema_is_a_warning(db_templates, tmp_path):
    path = copy_sqlite(db_templates.empty, tmp_path / "station.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005_supervisor_desk'")
    migration = {f.check: f for f in local.check_database(Settings(db=f"sqlite:///{path}"))}["migration"]
    assert migration.status == "warning" and "0005_supervisor_desk" in migration.summary
    assert "backup" in migration.fix


def test_no_database_file_yet_is_a_warning_and_none_is_made(tmp_path):
    path = tmp_path / "station.db"
    [finding] = local.check_database(Settings(db=f"sqlite:///{path}"))
    assert finding.status == "warning" and not path.exists()


def test_a_folder_that_cannot_be_made_fails(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert local.check_writable("data", blocker / "sub").status == "failed"
    assert local.check_writable("log", tmp_path / "new" / "log").status == "ok"


def test_low_disk_space_fails(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10**9, 10**9 - 2**20, 2**20))
    finding = local.check_disk_space(Settings(db=f"sqlite:///{tmp_path / 'x.db'}"))
    assert finding.status == "failed" and finding.details["free_mb"] == 1 and "Free at least" in finding.fix


def test_broken_rules_fail_and_name_the_file(tmp_path):
    (tmp_path / "disposition.toml").write_text("version = 1\n[[rules]]\nid = \n")
    finding = local.check_rules(Settings(rules_dir=str(tmp_path)))
    assert finding.status == "failed" and "disposition.toml" in finding.summary
    assert local.check_rules(Settings()).status == "ok"


@pytest.mark.parametrize(("mode", "status", "words"), [("ok", "ok", "ready"), ("paper_out", "failed", "out of paper"),
                                                       ("hang", "failed", "did not answer")])
def test_a_tcp_printer_is_asked_for_its_status(mode, status, words):
    with PrinterServer() as printer:
        printer.mode = mode
        finding = hardware.check_printer(parse_printer("zebra1", printer.spec))
    assert finding.check == "printer:zebra1" and finding.status == status and words in finding.summary


def test_an_unreachable_printer_fails():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    finding = hardware.check_printer(parse_printer("zebra2", f"tcp://127.0.0.1:{port}"))
    assert finding.status == "failed" and "cannot be reached" in finding.summary


def test_a_cups_queue_without_cups_says_what_to_install(monkeypatch):
    monkeypatch.setattr(hardware.shutil, "which", lambda _name: None)
    finding = hardware.check_printer(parse_printer("office", "lp://Office"))
    assert finding.status == "failed" and "cups-client" in finding.fix


def test_a_cups_queue_is_asked_with_lpstat(tmp_path, monkeypatch):
    fake = tmp_path / "lpstat"
    fake.write_text("#!/bin/sh\n[ \"$2\" = Office ] && echo 'printer Office is idle.  enabled since x' && exit 0\n"
                    "echo \"lpstat: Invalid destination name in list \\\"$2\\\"\" >&2; exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert hardware.check_printer(parse_printer("office", "lp://Office")).status == "ok"
    missing = hardware.check_printer(parse_printer("other", "lp://Nope"))
    assert missing.status == "failed" and "not known to CUPS" in missing.summary


def test_serial_scanners_present_and_missing(tmp_path):
    master, slave = os.openpty()
    try:
        present = os.ttyname(slave)
        settings = Settings(serial_scanners=f"{present},name=Left;{tmp_path / 'ttyGone'},name=Right")
        found = {f.check: f for f in hardware.check_scanners(settings)}
    finally:
        os.close(master)
        os.close(slave)
    assert found["scanner:Left"].status == "ok" and found["scanner:Left"].details["device"] == present
    assert found["scanner:Right"].status == "failed" and "not plugged in" in found["scanner:Right"].summary


def test_ldd_output_names_the_missing_libraries_and_their_packages():
    out = ("\tlinux-vdso.so.1 (0x00007ffd)\n\tlibxcb-icccm.so.4 => not found\n"
           "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x7f)\n\tlibxcb-keysyms.so.1 => not found\n"
           "\tlibxcb-icccm.so.4 => not found\n\tlibxkbcommon-x11.so.0 => not found\n")
    missing = qt.parse_ldd(out)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]
    assert [qt.debian_package(m) for m in missing] == ["libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"]
    assert qt.debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"


def test_the_qt_check_runs_a_real_child_and_matches_ldd(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    finding = qt.check_qt()
    missing = qt.missing_libraries()
    assert finding.details["platform"] == "offscreen"
    assert finding.status == ("warning" if missing else "ok")  # offscreen starts; the screen needs the libraries
    if missing:
        assert all(lib in finding.summary for lib in missing) and "apt-get install" in finding.fix


def test_qt_failing_on_the_screen_names_the_packages():
    finding = qt._qt_finding("xcb", -6, "qt.qpa.plugin: Could not load the Qt platform plugin \"xcb\"",
                             ["libxcb-icccm.so.4"])
    assert finding.status == "failed" and "sudo apt-get install libxcb-icccm4" in finding.summary
    other = qt._qt_finding("xcb", 1, "could not connect to display :0\n", [])
    assert other.status == "failed" and "could not connect to display" in other.summary


def test_the_xcb_plugin_is_found_without_importing_qt():
    plugin = qt.xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so" and Path(plugin).exists()
