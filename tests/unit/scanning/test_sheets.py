"""The printable sheets: real PDFs, rasterized and decoded with zxing-cpp, must give exactly the codes
the wizard expects — the GS1-128 one with a real FNC1 (ASCII 29 between lot and serial)."""

from __future__ import annotations

from pathlib import Path

import zxingcpp

from app.scanning.classify import ScanKind, classify_scan
from app.scanning.commands import Command
from app.scanning.diagnose import TEST_CODES, Capture, Severity, diagnose
from app.scanning.sheets import write_command_sheet, write_test_sheet
from tests.print_helpers import rasterize_pdf

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"


def read(path: Path) -> list[tuple[str, str]]:
    """(AIM identifier, bytes as a scanner with AIM on sends them) for every barcode on page 1."""
    image = rasterize_pdf(path.read_bytes(), dpi=200)
    return [(r.symbology_identifier, r.bytes.decode("latin-1")) for r in zxingcpp.read_barcodes(image)]


def test_test_sheet_decodes_to_the_wizard_codes(tmp_path):
    found = dict((data, aim) for aim, data in read(write_test_sheet(tmp_path / "test.pdf", "D01")))
    for code in TEST_CODES:
        assert found.get(code.data) == code.aim, (code.key, found)
    # What a perfectly set-up scanner sends for each is diagnosed as fine.
    for code in TEST_CODES:
        findings = diagnose(code, Capture(code.aim + code.data, (), "serial"), _app())
        assert Severity.PROBLEM not in {f.severity for f in findings}


def test_gs1_code_on_the_sheet_parses_with_lot_and_serial(tmp_path):
    found = read(write_test_sheet(tmp_path / "test.pdf"))
    gs1 = next(aim + data for aim, data in found if aim == "]C1")
    scan = classify_scan(gs1, RMA, BADGE)
    assert (scan.kind, scan.lot, scan.serial) == (ScanKind.PRODUCT, "LOT42", "SN77")


def test_command_sheet_has_every_command(tmp_path):
    found = {data for _, data in read(write_command_sheet(tmp_path / "commands.pdf"))}
    assert found == {command.value for command in Command}
    for value in found:
        assert classify_scan(value, RMA, BADGE).kind is ScanKind.COMMAND


def _app():
    from app.scanning.diagnose import AppSettings

    return AppSettings()
