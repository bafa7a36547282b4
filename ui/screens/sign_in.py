"""Sign in: scan (or type) a badge, then type the PIN. A first sign-in chooses a PIN, typed twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.services.desk import Desk
from app.services.operators import BadgeStatus
from app.services.views import OperatorView
from ui.background import BackgroundOps
from ui.errors import describe_error
from ui.theme import BAD
from ui.widgets import Banner, label

T = TypeVar("T")


class SignInView(QWidget):
    escape_pressed = Signal()

    def __init__(self, station_id: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 60, 80, 60)
        layout.setSpacing(18)
        layout.addWidget(label("Returns Desk", "title"))
        layout.addWidget(label(f"Station {station_id}", "subtitle"))
        layout.addSpacing(30)
        self.prompt = label("Scan your badge", "prompt")
        layout.addWidget(self.prompt)
        self.field = QLineEdit()
        self.field.setMaxLength(64)
        self.field.setObjectName("signInField")
        layout.addWidget(self.field)
        self.hint = label("Or type the badge number and press Enter.", "hint")
        layout.addWidget(self.hint)
        self.banner = Banner()
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        super().keyPressEvent(event)

    def ask(self, prompt: str, hint: str, secret: bool) -> None:
        self.prompt.setText(prompt)
        self.hint.setText(hint)
        self.field.clear()
        self.field.setEchoMode(QLineEdit.EchoMode.Password if secret else QLineEdit.EchoMode.Normal)
        self.field.setFocus()


class SignInController(QObject):
    signed_in = Signal(object)  # OperatorView

    def __init__(self, view: SignInView, desk: Desk, ops: BackgroundOps) -> None:
        super().__init__(view)
        self.view = view
        self._desk = desk
        self._ops = ops
        self._badge: BadgeStatus | None = None
        self._new_pin: str | None = None
        view.field.returnPressed.connect(self._entered)
        view.escape_pressed.connect(self.reset)
        self.reset()

    def reset(self) -> None:
        self._badge = None
        self._new_pin = None
        self.view.banner.clear()
        self.view.ask("Scan your badge", "Or type the badge number and press Enter.", secret=False)

    def _entered(self) -> None:
        text = self.view.field.text().strip()
        self.view.field.clear()
        if not text:
            return
        self.view.banner.clear()
        if self._badge is None:
            self._run(lambda: self._desk.look_up_badge(text), self._badge_found)
        elif self._badge.needs_new_pin and self._new_pin is None:
            self._new_pin = text
            self.view.ask("Type the same PIN again", "To make sure it is the one you meant.", secret=True)
        elif self._badge.needs_new_pin:
            badge, first = self._badge.badge, self._new_pin
            if text != first:
                self._new_pin = None
                self._fail_message("The two PINs differ. Choose a PIN again.")
                self.view.ask("Choose a PIN (4 to 8 digits)", "You will type it at every sign-in.", secret=True)
                return
            self._run(lambda: self._desk.set_first_pin(badge, text), self._done)
        else:
            badge = self._badge.badge
            self._run(lambda: self._desk.sign_in(badge, text), self._done)

    def _badge_found(self, status: BadgeStatus) -> None:
        self._badge = status
        if status.needs_new_pin:
            self.view.ask(f"Welcome, {status.name}. Choose a PIN (4 to 8 digits)",
                          "You will type it at every sign-in. Esc starts again.", secret=True)
        else:
            self.view.ask(f"Hello {status.name}. Type your PIN", "Then press Enter. Esc starts again.", secret=True)

    def _done(self, operator: OperatorView) -> None:
        self.reset()
        self.signed_in.emit(operator)

    def _run(self, fn: Callable[[], T], on_success: Callable[[T], None]) -> None:
        self._ops.run_db(fn, on_success, self._failed, writes=False)

    def _failed(self, error: BaseException) -> None:
        if self._badge is not None and self._badge.needs_new_pin:
            self._new_pin = None
            self.view.ask("Choose a PIN (4 to 8 digits)", "You will type it at every sign-in.", secret=True)
        elif self._badge is None:
            self.view.field.setFocus()
        self._fail_message(describe_error(error))

    def _fail_message(self, text: str) -> None:
        self.view.banner.show_message(text, BAD)
