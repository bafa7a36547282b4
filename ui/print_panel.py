"""After an item is saved: the label as it printed (PNG preview) and the tote to drop it in, which turns
green when the right tote is scanned and red with a message for a wrong one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from app.domain.vocab import disposition_label
from app.services.totes import ToteView
from app.station.state import TotePanel, ToteStatus
from ui.theme import BAD, GOOD, WARN
from ui.widgets import label


class PrintPanel(QFrame):
    PREVIEW_WIDTH = 420
    # A 4×6 label is portrait: fit it into this height too, so the panel never takes the whole screen.
    PREVIEW_HEIGHT = 240

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 12, 18, 12)
        self.preview = QLabel()
        # Fixed: the panel is as tall before the preview arrives as after, so the tote words never get
        # squeezed (word-wrapped labels beside it cannot ask the layout for more height).
        self.preview.setFixedSize(self.PREVIEW_WIDTH, self.PREVIEW_HEIGHT)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: white; border: 1px solid #c9ced6;")
        row.addWidget(self.preview)
        words = QVBoxLayout()
        self.tote_line = label("", "prompt")
        self.tote_hint = label("", "reason")
        words.addWidget(self.tote_line)
        words.addWidget(self.tote_hint)
        words.addStretch(1)
        row.addLayout(words, 1)
        self.state = "none"  # none | pending | confirmed | wrong
        self.shown_item: object | None = None
        self.hide()

    def show_panel(self, panel: TotePanel | None) -> None:
        """Draw the core's tote panel; the preview image stays while the same item is shown."""
        if panel is None:
            self.shown_item = None
            self.hide()
            return
        if panel.item.id != self.shown_item:
            self.shown_item = panel.item.id
            self.show_item(panel.item.lpn)
        if panel.tote is None:
            return
        if panel.status is ToteStatus.CONFIRMED:
            self.tote_confirmed(panel.tote)
        else:
            self.show_tote(panel.tote)
            if panel.status is ToteStatus.WRONG:
                self.tote_wrong(panel.note)

    def show_item(self, lpn: str | None) -> None:
        self.preview.setPixmap(QPixmap())
        self.preview.setText(f"Printing {lpn}…")
        self.tote_line.setText("")
        self.tote_hint.setText("")
        self.state = "none"
        self.show()

    def show_preview(self, png: bytes | None) -> None:
        pixmap = QPixmap()
        if png is None or not pixmap.loadFromData(png, "PNG"):
            self.preview.setText("No label preview")
            return
        room = QSize(self.PREVIEW_WIDTH - 12, self.PREVIEW_HEIGHT - 12)
        self.preview.setPixmap(pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))

    def show_tote(self, tote: ToteView | None) -> None:
        if tote is None:
            return
        self.state = "pending"
        self._colour(WARN)
        self.tote_line.setText(f"Put it in tote {tote.code}")
        self.tote_hint.setText(f"{disposition_label(tote.disposition)} → {tote.destination}. Scan the tote to confirm.")

    def tote_confirmed(self, tote: ToteView) -> None:
        self.state = "confirmed"
        self._colour(GOOD)
        self.tote_line.setText(f"✓ In tote {tote.code}")
        self.tote_hint.setText(f"{tote.items} item(s) in this tote. Scan the next item.")

    def tote_wrong(self, message: str) -> None:
        self.state = "wrong"
        self._colour(BAD)
        self.tote_hint.setText(message)

    def _colour(self, colour: str) -> None:
        self.tote_line.setStyleSheet(f"color: {colour};")
