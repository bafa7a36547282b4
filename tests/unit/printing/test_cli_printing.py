"""`returns-desk label|slip|print-queue` on a real database: files that scan, a printer by name, clear errors."""

from __future__ import annotations

import pytest

from app.cli import main
from tests.print_helpers import decode, decode_png, finish_item, rasterize_pdf
from tests.printer_server import PrinterServer


@pytest.fixture
def lpn(desk, worker) -> str:
    item = finish_item(desk, worker)
    assert item.lpn is not None
    return item.lpn


def run(desk, *args: str) -> int:
    return main(["--db", desk.db.url, *args])


def test_label_in_each_format(desk, lpn, tmp_path, capsys):
    assert run(desk, "label", lpn, "-o", str(tmp_path / "l.zpl")) == 0
    zpl = (tmp_path / "l.zpl").read_bytes()
    assert zpl.startswith(b"^XA") and b"^PW406" in zpl
    assert run(desk, "label", lpn, "--size", "4x6", "-o", str(tmp_path / "l.pdf")) == 0
    assert decode(rasterize_pdf((tmp_path / "l.pdf").read_bytes())) == [lpn]
    assert run(desk, "label", lpn, "--format", "png", "-o", str(tmp_path / "label.img")) == 0
    assert decode_png((tmp_path / "label.img").read_bytes()) == [lpn]
    assert f"label {lpn}" in capsys.readouterr().out


def test_slip_pdf_scans(desk, lpn, tmp_path):
    assert run(desk, "slip", lpn, "-o", str(tmp_path / "s.pdf")) == 0
    assert decode(rasterize_pdf((tmp_path / "s.pdf").read_bytes())) == [lpn]


def test_label_to_a_printer_by_name(desk, lpn, monkeypatch, capsys):
    with PrinterServer() as zebra:
        monkeypatch.setenv("RETURNS_DESK_PRINTERS", f"zebra={zebra.spec}, files=file:/tmp/unused")
        assert run(desk, "label", lpn, "--printer", "zebra") == 0
        assert lpn.encode() in zebra.wait_for(1)[0]
    assert "sent to zebra" in capsys.readouterr().out


def test_clear_errors(desk, lpn, tmp_path, capsys):
    assert run(desk, "label", "LP-D01-0999999", "-o", str(tmp_path / "x.zpl")) == 2
    assert "No item has the label LP-D01-0999999" in capsys.readouterr().err
    assert run(desk, "label", lpn, "-o", str(tmp_path / "x.txt")) == 2
    assert "--format zpl, pdf or png" in capsys.readouterr().err
    assert run(desk, "slip", lpn, "--printer", "nowhere") == 2
    assert "no printer called 'nowhere'" in capsys.readouterr().err


def test_print_queue_lists_and_runs(desk, lpn, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RETURNS_DESK_PRINTERS", f"files=file:{tmp_path / 'out'}")
    assert run(desk, "print-queue", "--run") == 0
    out = capsys.readouterr().out
    assert "3 job(s) processed" in out and f"label {lpn}" in out and "Printing: all printed" in out
    assert len(list((tmp_path / "out").iterdir())) == 3  # relabel, slip, and the new tote's label
