"""The scanner setup wizard's window: which test barcode to scan, what was found, buttons.

Layout only; ScannerSetupController decides. The capture area takes every key raw (no scan capture, no
Tab focus change), recording when each key arrived, because the timing is part of the diagnosis.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.scanning.diagnose import Finding, Severity
from ui.theme import BAD, GOOD, STYLESHEET, WARN
from ui.wedge_input import RAW_PROPERTY
from ui.widgets import Banner, clear_layout, label

SEVERITY_COLOURS = {Severity.OK: GOOD, Severity.FIXED: GOOD, Severity.ADVICE: WARN, Severity.PROBLEM: BAD}
SEVERITY_WORDS = {Severity.OK: "OK", Severity.FIXED: "Fixed in the app", Severity.ADVICE: "Advice",
                  Severity.PROBLEM: "Change the scanner"}


class BarcodeView(QWidget):
    """A 1D barcode drawn module by module, whole pixels per module and a quiet zone: screen-scannable."""

    MODULE_PX = 3
    QUIET_MODULES = 12
    HEIGHT_PX = 110

    def __init__(self) -> None:
        super().__init__()
        self.modules = ""

    def set_modules(self, modules: str) -> None:
        self.modules = modules
        self.setFixedSize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize((len(self.modules) + 2 * self.QUIET_MODULES) * self.MODULE_PX, self.HEIGHT_PX)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        x = self.QUIET_MODULES * self.MODULE_PX
        for bit in self.modules:
            if bit == "1":
                painter.fillRect(x, 10, self.MODULE_PX, self.HEIGHT_PX - 20, QColor("black"))
            x += self.MODULE_PX
        painter.end()


class CaptureArea(QFrame):
    """Every key press, raw: handed to `key_pressed` (Tab too; Esc closes the wizard)."""

    key_pressed = Signal(object)  # QKeyEvent

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty(RAW_PROPERTY, True)
        self.setMinimumHeight(90)
        layout = QVBoxLayout(self)
        self.text = label("", "option", wrap=True)
        layout.addWidget(self.text)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt override
        return False  # Tab is a scanner terminator here, not "next field"

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()  # the dialog closes
            return
        self.key_pressed.emit(event)


class ScannerSetupView(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Scanner setup")
        self.setStyleSheet(STYLESHEET)
        self.resize(1100, 800)
        root = QVBoxLayout(self)
        root.setContentsMargins(28, 20, 28, 16)
        root.addWidget(label("Scanner setup", "title"))
        self.step = label("", "question")
        root.addWidget(self.step)
        self.hint = label("", "hint")
        root.addWidget(self.hint)
        self.barcode = BarcodeView()  # the barcode to scan, on screen too (imagers read displays)
        root.addWidget(self.barcode, 0, Qt.AlignmentFlag.AlignLeft)
        self.capture = CaptureArea()
        root.addWidget(self.capture)
        self.banner = Banner()
        root.addWidget(self.banner)
        self._findings = QVBoxLayout()
        root.addLayout(self._findings, 1)
        buttons = QHBoxLayout()
        self.sheet_button = QPushButton("Open the test sheet (PDF)")
        self.skip_button = QPushButton("Skip this barcode")
        self.save_button = QPushButton("Save the app settings")
        self.close_button = QPushButton("Close")
        for button in (self.sheet_button, self.skip_button, self.save_button, self.close_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys always go to the capture area
            buttons.addWidget(button)
        root.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)

    def show_step(self, number: int, total: int, title: str, data: str, modules: str) -> None:
        self.barcode.set_modules(modules)
        self.barcode.show()
        self.step.setText(f"Scan barcode {number} of {total}: {title}")
        self.hint.setText(f"It holds {data}. Scan it from the printed test sheet (or the screen).")
        self.capture.text.setText("▍ waiting for the scan…")
        self.capture.setFocus()

    def show_received(self, text: str) -> None:
        self.capture.text.setText(text or "▍ waiting for the scan…")

    def show_findings(self, title: str, findings: list[Finding]) -> None:
        self._findings.addWidget(label(title, "prompt"))
        for finding in findings:
            line = label(f"{SEVERITY_WORDS[finding.severity]}: {finding.says}", "reason")
            line.setStyleSheet(f"color: {SEVERITY_COLOURS[finding.severity]};")
            self._findings.addWidget(line)

    def clear_findings(self) -> None:
        clear_layout(self._findings)

    def show_done(self, settings_text: str) -> None:
        self.barcode.hide()
        self.step.setText("All test barcodes scanned.")
        self.hint.setText(settings_text)
        self.capture.text.setText("Done. Save the app settings, and change the scanner where it says so.")
