"""The scanner setup wizard: scan each test barcode, read what is wrong in plain words, save the settings.

Opened with F2 or the CMD-SETUP barcode. Wedge keys are recorded with their times in the capture area;
a serial scanner's lines arrive through `serial_line`. The diagnosis is app.scanning.diagnose (pure).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent

from app.config import Settings
from app.config_write import save_user_settings
from app.errors import ReturnsDeskError
from app.scanning.diagnose import TEST_CODES, AppSettings, Capture, Finding, diagnose, settings_to_save
from app.scanning.normalize import visible
from app.scanning.sheets import modules_of_test_code, write_test_sheet
from ui.errors import describe_error
from ui.screens.scanner_setup_view import ScannerSetupView
from ui.theme import BAD, GOOD
from ui.wedge_input import TERMINATOR_KEYS, event_ms, key_text

# A scan without a terminator is taken as finished when no key came for this long.
NO_TERMINATOR_AFTER_MS = 800


class ScannerSetupController(QObject):
    settings_saved = Signal(dict)  # the values written, for the window to apply at once

    def __init__(self, view: ScannerSetupView, settings: Settings, settings_file: Path | None = None,
                 sheet_dir: Path | None = None, open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl) -> None:
        super().__init__(view)
        self.view = view
        self.settings = settings
        self._settings_file = settings_file
        self._sheet_dir = sheet_dir
        self._open_url = open_url
        self.index = 0
        self.findings: list[Finding] = []
        self.results: dict[str, list[Finding]] = {}
        self._chars: list[str] = []
        self._times: list[float] = []
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self._finish(None))
        view.capture.key_pressed.connect(self._key)
        view.sheet_button.clicked.connect(self.open_sheet)
        view.skip_button.clicked.connect(self._next)
        view.save_button.clicked.connect(self.save)
        view.save_button.setEnabled(False)
        self._show_step()

    @property
    def done(self) -> bool:
        return self.index >= len(TEST_CODES)

    def _app_settings(self) -> AppSettings:
        return AppSettings(self.settings.burst_gap_ms, self.settings.scan_terminators, self.settings.gs_substitute)

    def _show_step(self) -> None:
        self._chars.clear()
        self._times.clear()
        if self.done:
            values = settings_to_save(self.findings)
            words = ", ".join(f"{k} = {visible(str(v)) or '(none)'}" for k, v in values.items())
            self.view.show_done(f"App settings to save: {words}." if values
                                else "The app settings are fine as they are.")
            self.view.save_button.setEnabled(True)
            return
        code = TEST_CODES[self.index]
        self.view.show_step(self.index + 1, len(TEST_CODES), code.title, visible(code.data),
                            modules_of_test_code(code))

    # Input --------------------------------------------------------------------------------------------
    def _key(self, event: QKeyEvent) -> None:
        if self.done:
            return
        key = event.key()
        for name, keys in TERMINATOR_KEYS.items():
            if key in keys:
                if self._chars:
                    self._finish(name)
                return
        char = key_text(event)
        if char is not None:
            self._chars.append(char)
            self._times.append(event_ms(event))
            self.view.show_received(visible("".join(self._chars)))
            self._idle.start(NO_TERMINATOR_AFTER_MS)

    def serial_line(self, text: str) -> None:
        """A line from a serial scanner while the wizard is open."""
        if not self.done:
            self._diagnose(Capture(text, (), "serial"))

    def _finish(self, terminator: str | None) -> None:
        self._idle.stop()
        capture = Capture("".join(self._chars), tuple(self._times), terminator)
        self._diagnose(capture)

    def _diagnose(self, capture: Capture) -> None:
        code = TEST_CODES[self.index]
        found = diagnose(code, capture, self._app_settings())
        self.results[code.key] = found
        self.findings.extend(found)
        self.view.show_findings(f"{self.index + 1}. {code.title}: received '{visible(capture.text)[:60]}'", found)
        self._next()

    def _next(self) -> None:
        if not self.done:
            self.index += 1
        self._show_step()

    # Buttons ------------------------------------------------------------------------------------------
    def open_sheet(self) -> Path | None:
        folder = self._sheet_dir or Path.home()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = write_test_sheet(folder / "scanner-test-sheet.pdf", self.settings.station_id)
        except OSError as exc:
            self.view.banner.show_message(f"Could not write the test sheet in {folder}: {exc}.", BAD)
            return None
        self._open_url(QUrl.fromLocalFile(str(path)))
        self.view.banner.show_message(f"Test sheet: {path}. Print it at 100% scale.", GOOD)
        self.view.capture.setFocus()
        return path

    def save(self) -> None:
        values = settings_to_save(self.findings)
        try:
            path = save_user_settings(values, self._settings_file) if values else None
        except (ReturnsDeskError, OSError) as exc:
            self.view.banner.show_message(describe_error(exc), BAD)
            return
        where = f" to {path}" if path else ""
        self.view.banner.show_message(f"Saved{where}. The station uses them from now on.", GOOD)
        self.settings_saved.emit(values)


def open_scanner_setup(settings: Settings, parent_window: Any, settings_file: Path | None = None,
                       sheet_dir: Path | None = None) -> ScannerSetupController:
    view = ScannerSetupView()
    view.setParent(parent_window, Qt.WindowType.Dialog)
    controller = ScannerSetupController(view, settings, settings_file, sheet_dir)
    view.open()
    view.activateWindow()
    view.capture.setFocus()
    return controller
