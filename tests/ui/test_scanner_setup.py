"""The scanner setup wizard, opened from the station with F2, fed key events with scanner timing."""

from __future__ import annotations

import tomllib

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.scanning.diagnose import TEST_CODES, Severity
from tests.ui.test_wedge_capture import Keyboard

GS = "\x1d"


def open_wizard(station, tmp_path):
    station.sign_in()
    station.window.scanners._settings_file = tmp_path / "station.toml"
    station.key(Qt.Key.Key_F2)
    wizard = station.window.scanners.setup
    assert wizard is not None and wizard.view.isVisible()
    return wizard


def scan_all(wizard, sends) -> None:
    keyboard = Keyboard()
    for code in TEST_CODES:
        keyboard.scan(sends(code), wizard.view.capture, gap_ms=8.0)
    assert wizard.done


def test_a_scanner_sending_tilde_for_gs_and_tab_is_fixed_in_the_app(station, tmp_path, qtbot):
    wizard = open_wizard(station, tmp_path)
    keyboard = Keyboard()
    for code in TEST_CODES:  # AIM on, GS sent as ~, scans end with Tab
        keyboard.scan(code.aim + code.data.replace(GS, "~"), wizard.view.capture, end="\t")
    assert wizard.done
    assert Severity.PROBLEM not in {f.severity for f in wizard.findings}
    wizard.view.save_button.click()
    saved = tomllib.loads((tmp_path / "station.toml").read_text(encoding="utf-8"))
    assert saved == {"gs_substitute": "~"}  # Tab already ends a scan by default
    assert "Saved" in wizard.view.banner.text()
    # The station uses the new settings at once: a GS1 scan with ~ and Tab reads lot and serial.
    wizard.view.close()
    gtin = "04006381333931"
    lines = []
    station.controller.wedge.line_entered.connect(lines.append)
    Keyboard().scan(f"]C101{gtin}10LOT42~21SN-77", station.view, end="\t")
    assert lines[-1].text == f"]C101{gtin}10LOT42{GS}21SN-77"


def test_dropped_gs_and_azerty_are_reported_in_plain_words(station, tmp_path):
    wizard = open_wizard(station, tmp_path)
    keyboard = Keyboard()
    keyboard.scan("Qb&é)xyWç", wizard.view.capture)  # Ab12-xyZ9 on an AZERTY host
    keyboard.scan(TEST_CODES[1].data.replace(GS, ""), wizard.view.capture)
    problems = [f.says for f in wizard.findings if f.severity is Severity.PROBLEM]
    assert any("AZERTY" in words for words in problems)
    assert any("drops the GS1 separator" in words for words in problems)


def test_no_terminator_is_detected_after_a_pause(station, tmp_path, qtbot):
    wizard = open_wizard(station, tmp_path)
    Keyboard().scan(TEST_CODES[0].data, wizard.view.capture, end="")
    qtbot.waitUntil(lambda: wizard.index == 1, timeout=3000)
    assert any("does not end a scan with Enter" in f.says for f in wizard.results["code128"])


def test_slow_keys_raise_the_burst_gap(station, tmp_path):
    wizard = open_wizard(station, tmp_path)
    Keyboard().scan(TEST_CODES[0].data, wizard.view.capture, gap_ms=50.0)
    assert wizard.results["code128"][0].settings == {"burst_gap_ms": 80}


def test_serial_scanner_lines_go_to_the_open_wizard(station, tmp_path):
    wizard = open_wizard(station, tmp_path)
    station.window.scanners._serial_line("Dock", "]C0" + TEST_CODES[0].data)
    assert wizard.index == 1 and "code128" in wizard.results


def test_test_sheet_is_written_and_opened(station, tmp_path):
    wizard = open_wizard(station, tmp_path)
    opened = []
    wizard._open_url = opened.append
    wizard._sheet_dir = tmp_path
    path = wizard.open_sheet()
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    assert opened and opened[0].toLocalFile() == str(path)
    assert wizard.view.focusWidget() is wizard.view.capture  # keys keep going to the capture area


def test_escape_closes_the_wizard(station, tmp_path):
    wizard = open_wizard(station, tmp_path)
    QApplication.sendEvent(wizard.view.capture, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                                           Qt.KeyboardModifier.NoModifier, ""))
    assert not wizard.view.isVisible()


def test_the_barcode_on_screen_decodes_to_the_code_asked_for(station, tmp_path):
    import io

    import zxingcpp
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    wizard = open_wizard(station, tmp_path)
    keyboard = Keyboard()
    for code in TEST_CODES:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        wizard.view.barcode.grab().toImage().save(buffer, "PNG")
        image = Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("L")
        found = [(r.symbology_identifier, r.bytes.decode("latin-1")) for r in zxingcpp.read_barcodes(image)]
        assert found == [(code.aim, code.data)], code.key
        keyboard.scan(code.aim + code.data, wizard.view.capture)
    assert wizard.done and not wizard.view.barcode.isVisible()
