"""The station screen's layout: item card on top, the current step in the middle, the scan field below.

Layout and rendering only; StationController decides what to show.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from app.domain import checklist as cl
from app.domain.vocab import (
    CATEGORIES,
    CLAIMED_REASONS,
    DISPOSITION_LABELS,
    FLAGS,
    GRADE_LABELS,
    VOID_REASONS,
    Grade,
    disposition_label,
)
from app.services.finalize import Decision
from app.services.totes import ToteView
from app.services.views import ItemView
from ui.print_panel import PrintPanel
from ui.theme import GRADE_COLOURS, money
from ui.widgets import Banner, card, clear_layout, label

# Flags that mean "stop and look": shown in red, the others in amber.
SERIOUS_FLAGS = {"serial_mismatch", "unknown_item", "hazardous", "sku_mismatch"}


class StationView(QFrame):
    """Receives every key while it is shown (children never take focus) and hands it to `key_pressed`."""

    key_pressed = Signal(object)  # QKeyEvent

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("flashFrame")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        root = QVBoxLayout(self)
        root.setContentsMargins(28, 20, 28, 16)
        root.setSpacing(14)
        self.banner = Banner()
        root.addWidget(self.banner)
        self.item_card, self._card_layout = card()
        root.addWidget(self.item_card)
        self.step = QWidget()
        self._step_layout = QVBoxLayout(self.step)
        self._step_layout.setContentsMargins(0, 0, 0, 0)
        self._step_layout.setSpacing(12)
        root.addWidget(self.step, 1)
        self.print_panel = PrintPanel()  # after a save: the label as printed and the tote to use (issue 4)
        root.addWidget(self.print_panel)
        self.text_field = QLineEdit()  # only for free text (unknown item description, void note)
        self.text_field.setMaxLength(200)
        # Keys go straight to it (no scan capture): only free text is asked here, and a person types it.
        self.text_field.setProperty("scannerRaw", True)
        self.text_field.hide()
        root.addWidget(self.text_field)
        bottom = QHBoxLayout()
        self.scan_field = label("", "option", wrap=False)
        self.scan_field.setMinimumHeight(64)
        bottom.addWidget(self.scan_field, 1)
        root.addLayout(bottom)
        self.keys_hint = label("", "hint")
        root.addWidget(self.keys_hint)
        self.show_buffer("")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.key_pressed.emit(event)

    # Pieces -------------------------------------------------------------------------------------------
    def show_buffer(self, text: str) -> None:
        shown = text.replace("\x1d", "⟨GS⟩")
        self.scan_field.setText(shown if shown else "▍ Scan or type…")

    def _reset_step(self, keys: str) -> QVBoxLayout:
        clear_layout(self._step_layout)
        self.text_field.hide()
        self.keys_hint.setText(keys)
        return self._step_layout

    def show_item_card(self, item: ItemView | None, today: date) -> None:
        clear_layout(self._card_layout)
        if item is None:
            self.item_card.hide()
            return
        self.item_card.show()
        add = self._card_layout.addWidget
        add(label(item.description, "prompt"))
        if item.product is not None:
            p = item.product
            add(label(f"SKU {p.sku} · GTIN {p.gtin or '—'} · {CATEGORIES.get(p.category, p.category)} · "
                      f"{money(p.unit_value_cents)} · {p.vendor}", "subtitle"))
        else:
            add(label(f"Not in the catalog (scanned {item.scanned_code}) · {CATEGORIES.get(item.category)}",
                      "subtitle"))
        add(label(_rma_text(item, today), "reason"))
        serial = _serial_text(item)
        if serial:
            add(label(serial, "reason"))
        lot_expiry = _lot_expiry_text(item, today)
        if lot_expiry:
            add(label(lot_expiry, "reason"))
        if item.flags:
            chips = QHBoxLayout()
            for flag in item.flags:
                chips.addWidget(label(FLAGS.get(flag, flag), "badflag" if flag in SERIOUS_FLAGS else "flag",
                                      wrap=False))
            chips.addStretch(1)
            self._card_layout.addLayout(chips)

    # Steps --------------------------------------------------------------------------------------------
    def show_ready(self, last: ItemView | None, pending_rma: str | None, operator_name: str) -> None:
        layout = self._reset_step("Scan an item · scan the RMA label first if there is one · F8 void last item · "
                                  "F9 print queue · F10 close a tote · F12 sign out")
        layout.addWidget(label(f"Ready, {operator_name}. Scan the next item.", "question"))
        if pending_rma:
            layout.addWidget(label(f"RMA {pending_rma} scanned: now scan the item. (Esc forgets the RMA.)",
                                   "prompt"))
        if last is not None and last.status == "final":
            frame, inner = card()
            inner.addWidget(label(f"Done: {last.lpn} · {last.description}", "reason"))
            inner.addWidget(label(f"Grade {last.grade} → {disposition_label(last.disposition)}", "prompt"))
            inner.addWidget(label("Wrong? Press F8 to void it.", "hint"))
            layout.addWidget(frame)
        elif last is not None and last.status == "voided":
            layout.addWidget(label(f"Voided: {last.lpn} ({last.void_reason}). Scan it again to regrade.", "reason"))
        layout.addStretch(1)

    def show_unknown_capture(self, code: str, description: str | None) -> None:
        if description is None:
            layout = self._reset_step("Type a short description, then Enter · Esc cancels")
            layout.addWidget(label(f"{code} is not in the catalog.", "question"))
            layout.addWidget(label("Describe the item in a few words (brand, what it is, colour):", "prompt"))
            self.text_field.clear()
            self.text_field.setPlaceholderText("e.g. black wireless earbuds, no box")
            self.text_field.show()
            self.text_field.setFocus()
            layout.addStretch(1)
        else:
            layout = self._reset_step("Press the number of the category · Esc cancels")
            layout.addWidget(label(f"“{description}”: which category?", "question"))
            for number, name in enumerate(CATEGORIES.values(), start=1):
                layout.addWidget(label(f"{number}   {name}", "option"))
            layout.addStretch(1)

    def show_serial(self, item: ItemView) -> None:
        layout = self._reset_step("Scan or type the serial number, then Enter · Esc cancels the item")
        layout.addWidget(label("Scan the serial number", "question"))
        expected = item.rma_line.expected_serial if item.rma_line else None
        layout.addWidget(label(
            f"The RMA expects serial {expected}." if expected else "It is on the back, the box or under the battery.",
            "prompt"))
        layout.addStretch(1)

    def show_question(self, question: cl.Question, number: int, total: int) -> None:
        keys = "Press the number of the answer" if question.kind != "number" else "Type the number, then Enter"
        layout = self._reset_step(f"{keys} · Backspace = back one question · Esc = cancel item")
        progress = QProgressBar()
        progress.setRange(0, total)
        progress.setValue(number - 1)
        progress.setTextVisible(False)
        layout.addWidget(label(f"Question {number} of {total}", "hint"))
        layout.addWidget(progress)
        layout.addWidget(label(question.text, "question"))
        if question.help:
            layout.addWidget(label(question.help, "hint"))
        if question.kind == "number":
            bounds = [f"{v:g}" for v in (question.minimum, question.maximum) if v is not None]
            span = f" ({' to '.join(bounds)}{' ' + question.unit if question.unit else ''})" if bounds else ""
            layout.addWidget(label(f"Type a number{span} and press Enter", "prompt"))
        else:
            row = QHBoxLayout()
            for option in question.options:
                row.addWidget(label(f"{option.key}   {option.label}", "option"))
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)

    def show_result(self, decision: Decision) -> None:
        layout = self._reset_step("Enter = confirm and save · Backspace = change the last answer · Esc = cancel")
        grade = decision.grade.grade.value
        head = QHBoxLayout()
        chip = label(grade if grade != "Salvage" else "S", "grade", wrap=False)
        chip.setStyleSheet(f"background: {GRADE_COLOURS.get(grade, '#444')};")
        head.addWidget(chip)
        words = QVBoxLayout()
        words.addWidget(label(GRADE_LABELS[Grade(grade)], "prompt"))
        words.addWidget(label("→ " + DISPOSITION_LABELS[decision.disposition.disposition], "disposition"))
        head.addLayout(words, 1)
        layout.addLayout(head)
        layout.addWidget(label("Why:", "prompt"))
        for rule in (*decision.grade.fired, *decision.disposition.fired):
            layout.addWidget(label("•  " + rule.why, "reason"))
        layout.addStretch(1)

    def show_totes(self, totes: list[ToteView]) -> None:
        layout = self._reset_step("Press the number of the tote to close it and print its manifest · Esc = back")
        layout.addWidget(label("Close a tote" if totes else "No tote is open at this station", "question"))
        for number, tote in enumerate(totes[:9], start=1):
            layout.addWidget(label(f"{number}   {tote.label} · {tote.items} items, {tote.confirmed} scanned in",
                                   "option"))
        layout.addStretch(1)

    def show_resume(self, item: ItemView, answered: int, total: int) -> None:
        layout = self._reset_step("Enter = continue where it was · Esc = discard it")
        layout.addWidget(label("An unfinished item was found on this station", "question"))
        started = item.created_at.astimezone().strftime("%H:%M")
        layout.addWidget(label(f"{item.description}: {answered} of {total} questions answered, started {started}.",
                               "prompt"))
        layout.addStretch(1)

    def show_void(self, item: ItemView, reason_code: str | None) -> None:
        if reason_code is None:
            layout = self._reset_step("Press the number of the reason · Esc = keep the item")
            layout.addWidget(label(f"Void {item.lpn} ({item.description})? Why:", "question"))
            for number, text in enumerate(VOID_REASONS.values(), start=1):
                layout.addWidget(label(f"{number}   {text}", "option"))
        else:
            layout = self._reset_step("Type why, then Enter · Esc = keep the item")
            layout.addWidget(label(f"Void {item.lpn}: say why in a few words", "question"))
            self.text_field.clear()
            self.text_field.setPlaceholderText("reason")
            self.text_field.show()
            self.text_field.setFocus()
        layout.addStretch(1)


def _rma_text(item: ItemView, today: date) -> str:
    line = item.rma_line
    if line is None:
        if "sku_mismatch" in item.flags:
            return "This item is not on the scanned RMA."
        return "No RMA: scan the RMA label now if the parcel has one."
    parts = [f"RMA {line.rma_number} line {line.line_no} (order {line.order_number})"]
    if line.claimed_reason:
        parts.append("customer says: " + CLAIMED_REASONS.get(line.claimed_reason, line.claimed_reason))
    if line.order_date is not None:
        days = (today - line.order_date).days
        late = "  LATE" if days > line.return_window_days else ""
        parts.append(f"bought {days} days ago (window {line.return_window_days}){late}")
    return " · ".join(parts)


def _lot_expiry_text(item: ItemView, today: date) -> str:
    """From a GS1 barcode (AI 10 and 17): the lot, and the expiry with how far it is from today."""
    parts = [f"Lot {item.lot}"] if item.lot else []
    if item.expiry is not None:
        days = (item.expiry - today).days
        when = f"EXPIRED {-days} days ago" if days < 0 else f"in {days} days"
        parts.append(f"expires {item.expiry:%d %b %Y} ({when})")
    return " · ".join(parts)


def _serial_text(item: ItemView) -> str:
    expected = item.rma_line.expected_serial if item.rma_line else None
    if item.serial and expected and item.serial != expected:
        return f"Serial {item.serial} — the RMA expects {expected}"
    if item.serial:
        return f"Serial {item.serial}" + (" ✓ matches the RMA" if expected else "")
    if expected:
        return f"Expected serial {expected}"
    return ""
