"""The supervisor's dialogs: resolve a held item, override a decision. They collect what the core requires and
show the core's refusal in words; they never decide anything themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.exceptions import RESOLUTION_LABELS, SEND_TO, Resolution
from app.domain.vocab import DISPOSITION_LABELS, GRADE_LABELS, Disposition, disposition_label
from ui.theme import BAD, MUTED
from ui.widgets import Banner, label

KEEP = "(keep)"


@dataclass(frozen=True)
class ResolveAnswer:
    note: str
    sku: str | None
    disposition: str | None


@dataclass(frozen=True)
class OverrideAnswer:
    grade: str | None
    disposition: str | None
    reason: str
    note: str
    approver_badge: str
    approver_pin: str


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("review")  # the desk's type sizes (ui/theme.py)
        self.setMinimumWidth(760)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(label(intro))
        self.banner = Banner()
        self.outer.addWidget(self.banner)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.note = QLineEdit()
        self.note.setObjectName("note")

    def finish_layout(self) -> None:
        self.form.addRow("Note (why)", self.note)
        self.outer.addWidget(self.buttons)

    def refuse(self, text: str) -> None:
        self.banner.show_message(text, BAD)

    def _try_accept(self) -> None:
        if not self.note.text().strip():
            self.refuse("Write a note: what you saw and why you decide this (it goes in the audit trail).")
            return
        self.accept()


class ResolveDialog(_Form):
    """identify: a SKU (previewed before it is accepted); send: rtv or destroy; release: any disposition."""

    def __init__(self, lpn: str, resolution: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Resolve {lpn}", RESOLUTION_LABELS[Resolution(resolution)], parent)
        self.resolution = resolution
        self.sku = QLineEdit()
        self.sku.setObjectName("sku")
        self.disposition = QComboBox()
        self.preview_text = label(name="hint")
        self._previewed: str | None = None
        self._preview: Callable[[str], None] | None = None
        if resolution == Resolution.IDENTIFY:
            self.form.addRow("SKU (type or scan)", self.sku)
            show = QPushButton("&Preview the decision")
            show.clicked.connect(self._ask_preview)
            self.form.addRow(show, self.preview_text)
        choices = SEND_TO if resolution == Resolution.SEND else (
            [d.value for d in Disposition if d != Disposition.QUARANTINE] if resolution == Resolution.RELEASE else [])
        for code in choices:
            self.disposition.addItem(DISPOSITION_LABELS[Disposition(code)], code)
        if choices:
            self.form.addRow("Disposition", self.disposition)
        self.finish_layout()

    def set_preview(self, preview: Callable[[str], None]) -> None:
        """How the screen computes the new decision for a SKU (in the background; it calls show_preview)."""
        self._preview = preview

    def _ask_preview(self) -> None:
        if self._preview is not None and self.sku.text().strip():
            self._preview(self.sku.text().strip())

    def show_preview(self, text: str, for_sku: str) -> None:
        self._previewed = for_sku
        self.preview_text.setText(text)
        self.preview_text.setStyleSheet(f"color: {MUTED};")

    def _try_accept(self) -> None:
        if self.resolution == Resolution.IDENTIFY and self._previewed != self.sku.text().strip():
            self.refuse("Preview the new decision for this SKU first, then press OK to accept it.")
            return
        super()._try_accept()

    def answer(self) -> ResolveAnswer:
        return ResolveAnswer(self.note.text().strip(), self.sku.text().strip() or None,
                             self.disposition.currentData() if self.disposition.count() else None)


class OverrideDialog(_Form):
    """A grade and/or disposition, a reason code, a note; a second supervisor above the value threshold."""

    def __init__(self, lpn: str, grade: str | None, disposition: str | None, reasons: dict[str, str],
                 needs_approval: bool, parent: QWidget | None = None) -> None:
        intro = f"{lpn} is graded {grade or '—'}, {disposition_label(disposition)}."
        super().__init__(f"Override {lpn}", intro, parent)
        self.grade, self.disposition, self.reason = QComboBox(), QComboBox(), QComboBox()
        for box in (self.grade, self.disposition, self.reason):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.grade.addItem(KEEP, None)
        for grade_code, words in GRADE_LABELS.items():
            self.grade.addItem(words, grade_code.value)
        self.disposition.addItem(KEEP, None)
        for disposition_code, words in DISPOSITION_LABELS.items():
            self.disposition.addItem(words, disposition_code.value)
        for reason_code, words in reasons.items():
            self.reason.addItem(words, reason_code)
        self.form.addRow("New grade", self.grade)
        self.form.addRow("New disposition", self.disposition)
        self.form.addRow("Reason", self.reason)
        self.approver, self.approver_pin = QLineEdit(), QLineEdit()
        self.approver_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.needs_approval = needs_approval
        if needs_approval:
            self.form.addRow(label("Worth more than the site's limit: a second supervisor approves.", "hint"))
            self.form.addRow("Second supervisor's badge", self.approver)
            self.form.addRow("Their PIN", self.approver_pin)
        self.finish_layout()

    def _try_accept(self) -> None:
        if self.grade.currentData() is None and self.disposition.currentData() is None:
            self.refuse("Pick a new grade, a new disposition, or both.")
            return
        if self.needs_approval and not (self.approver.text().strip() and self.approver_pin.text()):
            self.refuse("A second supervisor scans their badge and types their PIN to approve this override.")
            return
        super()._try_accept()

    def answer(self) -> OverrideAnswer:
        return OverrideAnswer(self.grade.currentData(), self.disposition.currentData(), self.reason.currentData(),
                              self.note.text().strip(), self.approver.text().strip(), self.approver_pin.text())
