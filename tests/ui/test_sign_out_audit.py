"""Sign-out is audited like the sign-in (so it is in the log IT reads), never with a PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.models import AuditEvent


def test_f12_records_who_signed_out(station, db, qtbot):
    station.sign_in()
    station.key(Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: station.window.stack.currentWidget() is station.window.sign_in_view, timeout=5000)

    def events() -> list[str]:
        with db.unit_of_work() as uow:
            return list(uow.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "signed_out")))

    qtbot.waitUntil(lambda: events() == ["badge B1001"], timeout=5000)
