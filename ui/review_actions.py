"""What the supervisor's buttons do: open the dialog, run the use case on the review lane, say what happened,
refresh. The core checks roles, reasons and approvals; a refusal comes back here as words on the banner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit

from app.domain.vocab import Role
from ui.review_dialogs import OverrideDialog, ResolveDialog
from ui.theme import GOOD

if TYPE_CHECKING:
    from ui.screens.review_screen import ReviewScreen


def item_id_of(row: Any) -> Any:
    """An exceptions-queue row (item_id) or an item-list row (id): both can be overridden."""
    return getattr(row, "item_id", None) or row.id


class ReviewActions:
    def __init__(self, screen: ReviewScreen) -> None:
        self.screen = screen

    @property
    def desk(self) -> Any:
        return self.screen.desk

    def _done(self, text: str) -> Any:
        def done(_result: Any) -> None:
            self.screen.banner.show_message(text, GOOD)
            self.screen.refresh()
        return done

    # Exceptions ----------------------------------------------------------------------------------------
    def resolve(self, row: Any, resolution: str) -> None:
        dialog = ResolveDialog(row.lpn, resolution, parent=self.screen)

        def preview(sku: str) -> None:
            self.screen.run(lambda: self.desk.preview_identify(row.item_id, row.station_id, sku),
                            lambda text: dialog.show_preview(text, sku))

        dialog.set_preview(preview)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        answer = dialog.answer()
        operator = self.screen.operator
        self.screen.run(lambda: self.desk.resolve(operator, row.item_id, row.station_id, resolution, answer.note,
                                                  answer.sku, answer.disposition),
                        self._done(f"{row.lpn} resolved: its label and slip print again."))

    def override(self, row: Any) -> None:
        policy = self.desk.override_policy()
        dialog = OverrideDialog(row.lpn, row.grade, row.disposition, policy.reasons,
                                row.unit_value_cents > policy.approval_above_cents, parent=self.screen)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        answer = dialog.answer()
        approver = (answer.approver_badge, answer.approver_pin) if dialog.needs_approval else None
        operator, item_id = self.screen.operator, item_id_of(row)
        self.screen.run(lambda: self.desk.override(operator, item_id, row.station_id, answer.grade,
                                                   answer.disposition, answer.reason, answer.note, approver),
                        self._done(f"{row.lpn} overridden: its label and slip print again, marked OVERRIDE."))

    # Operators -----------------------------------------------------------------------------------------
    def operator_action(self, action: str, row: Any) -> None:
        operator = self.screen.operator
        if action == "add":
            self._add_operator()
            return
        if action == "change_role":
            roles = [role.value for role in Role]
            role, ok = QInputDialog.getItem(self.screen, "Change role", f"New role for {row.name}:", roles,
                                            roles.index(row.role) if row.role in roles else 0, False)
            if ok:
                self.screen.run(lambda: self.desk.operator_desk.change_role(operator, row.badge, role),
                                self._done(f"{row.name} is now {role}."))
            return
        words = {"deactivate": "deactivated", "reactivate": "active again", "unlock": "unlocked",
                 "reset_pin": "reset: they choose a new PIN at the next sign-in"}
        self.screen.run(lambda: getattr(self.desk.operator_desk, action)(operator, row.badge),
                        self._done(f"{row.name} ({row.badge}) {words[action]}."))

    def _add_operator(self) -> None:
        badge, ok = QInputDialog.getText(self.screen, "Add operator", "Badge (scan it or type it):")
        if not ok or not badge.strip():
            return
        name, ok = QInputDialog.getText(self.screen, "Add operator", f"Name for badge {badge.strip()}:",
                                        QLineEdit.EchoMode.Normal)
        if not ok or not name.strip():
            return
        roles = [role.value for role in Role]
        role, ok = QInputDialog.getItem(self.screen, "Add operator", f"Role of {name.strip()} (supervisor and "
                                        "admin accounts need an admin):", roles, 0, False)
        if not ok:
            return
        operator = self.screen.operator
        add = self.desk.operator_desk.add_operator
        self.screen.run(lambda: add(operator, badge.strip(), name.strip(), role),
                        self._done(f"{name.strip()} added: they choose a PIN at their first sign-in."))
