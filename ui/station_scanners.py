"""Everything scanner-related the station window needs, in one place so the window stays small:
the app-wide wedge capture, the serial scanner threads, the status bar text, and the setup wizard.

Serial lines go where wedge scans go (StationController's input queue, through `WedgeInput.feed_line`),
or to the setup wizard while it is open.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.config import Settings, data_dir
from app.scanning.normalize import ScanFormat, visible
from app.scanning.ports import parse_specs
from app.scanning.wedge import Line
from ui.screens.station_controller import StationController
from ui.serial_scanners import SerialScanners
from ui.wedge_input import WedgeInput

if TYPE_CHECKING:
    from ui.screens.scanner_setup import ScannerSetupController


def scan_format_of(settings: Settings) -> ScanFormat:
    return ScanFormat.from_settings(settings.scan_prefix, settings.scan_suffix, settings.gs_substitute)


class StationScanners:
    def __init__(self, settings: Settings, window: QWidget, settings_file: Path | None = None) -> None:
        self.settings = settings
        self._window = window
        self._settings_file = settings_file
        self.wedge = WedgeInput(settings.burst_gap_ms, settings.scan_terminators, window,
                                min_length=settings.scan_min_length, scan_format=scan_format_of(settings))
        self.serial = SerialScanners(parse_specs(settings.serial_scanners), window)
        self.status_label = QLabel("")
        self.status_label.setContentsMargins(8, 0, 16, 0)
        self.setup: ScannerSetupController | None = None
        self._station: StationController | None = None
        self._sign_in_field: QLineEdit | None = None
        self.serial.status_changed.connect(self._show_status)
        self.serial.line_received.connect(self._serial_line)
        self.serial.fragment_received.connect(self._serial_fragment)
        self._show_status(self.serial.summary())

    def connect_station(self, station: StationController, sign_in_field: QLineEdit | None = None) -> None:
        self._station = station
        self._sign_in_field = sign_in_field
        station.setup_requested.connect(self.open_setup)
        self.serial.start()

    def stop(self) -> None:
        self.serial.stop()

    def _show_status(self, summary: str) -> None:
        self.status_label.setText(summary or "Scanner: keyboard (USB)")
        self.status_label.setStyleSheet("color: #b3261e;" if "disconnected" in summary else "")

    def _serial_line(self, label: str, text: str) -> None:
        field = self._sign_in_field
        if self.setup is not None and self.setup.view.isVisible():
            self.setup.serial_line(text)
        elif field is not None and field.isVisible():
            # Not signed in yet: a serial scan is entered in the badge field as a wedge scan would be.
            field.setText(self.wedge.scan_format.normalise(text))
            field.returnPressed.emit()
        else:
            self.wedge.feed_line(Line(text, True))

    def _serial_fragment(self, label: str, text: str) -> None:
        if self._station is not None:
            self._station.report_problem(
                f"Scanner {label} was unplugged in the middle of a scan (got '{visible(text)[:40]}'). "
                "Nothing was recorded from it: scan that barcode again.")

    def open_setup(self) -> None:
        if self.setup is not None and self.setup.view.isVisible():
            return
        from ui.screens.scanner_setup import open_scanner_setup  # the wizard loads at its first F2, not at start

        self.setup = open_scanner_setup(self.settings, self._window, self._settings_file, data_dir())
        self.setup.settings_saved.connect(self._apply)

    def _apply(self, values: dict[str, Any]) -> None:
        self.settings = replace(self.settings, **values)
        s = self.settings
        self.wedge.configure(s.burst_gap_ms, s.scan_terminators, s.scan_min_length, scan_format_of(s))
