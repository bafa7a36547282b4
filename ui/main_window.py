"""The window: a stack of screens and the status bar. Screens own their logic (no god window)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QMainWindow, QStackedWidget, QWidget

from app.config import Settings
from app.services.desk import Desk
from app.services.views import OperatorView
from app.station.inputs import FunctionKey
from app.version import build_info, version_line
from ui.background import BackgroundOps
from ui.errors import describe_error
from ui.feedback import Feedback
from ui.screens.sign_in import SignInController, SignInView
from ui.screens.station_controller import StationController
from ui.screens.station_view import StationView
from ui.station_printing import StationPrinting
from ui.station_scanners import StationScanners
from ui.sync_worker import StationSync
from ui.theme import BAD, stylesheet, window_scale
from ui.widgets import ElideText

if TYPE_CHECKING:
    from ui.screens.review_screen import ReviewScreen

log = logging.getLogger("returns_desk.ui")

# The size the screens are drawn for; a smaller screen gets the window maximized to it instead.
PREFERRED_SIZE = QSize(1280, 900)
KIOSK_CLOSE_REFUSED = ("This station stays open (kiosk mode). To close it, press F12 to sign out first, "
                       "then Alt+F4.")


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, settings: Settings) -> None:
        super().__init__()
        self.setWindowTitle(f"Returns Desk — station {settings.station_id}")
        self.kiosk = settings.kiosk
        self._scale = 0.0  # the type size in use; set from the window's size (resizeEvent)
        self._restyle()
        self.desk = desk
        self.settings = settings
        self.review: ReviewScreen | None = None
        self.signed_in_as: OperatorView | None = None  # built at the first F6: a worker's station never pays for it
        self.ops = BackgroundOps(on_error=self.show_error, parent=self)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)

        self.sign_in_view = SignInView(settings.station_id)
        self.sign_in = SignInController(self.sign_in_view, desk, self.ops)
        self.station_view = StationView()
        self.scanners = StationScanners(settings, self)  # wedge capture, serial scanners, setup wizard (F2)
        wedge = self.scanners.wedge
        self.printing = StationPrinting(desk, self.ops, self)  # print queue worker, totes, F9 queue (issue 4)
        self.station = StationController(self.station_view, desk, self.ops, wedge,
                                         Feedback(self.station_view, settings.sound), printer=self.printing.worker)
        self.stack.addWidget(self.sign_in_view)
        self.stack.addWidget(self.station_view)

        self.operator_label = QLabel("Not signed in")
        self.save_label = QLabel("")
        self.sync = StationSync(desk.db, settings, self, ctx=desk.ctx)  # central sync on its own lane (issue 5)
        database = QLabel(desk.db.description)
        database.setToolTip(desk.db.description)
        info = build_info()  # IT reads the version and build off the screen; the whole line as tooltip
        version = QLabel(f"v{info.version} · {info.commit[:7]}")
        version.setToolTip(version_line())
        # Two rows: who/where on top, the three background services below, so no text is cut off.
        self.statusBar().addWidget(status_rows(
            [self.operator_label, QLabel(f"Station {settings.station_id}"), database, self.save_label],
            [self.scanners.status_label, self.printing.status_label, self.sync.status_label, version],
        ), 1)
        self.scanners.connect_station(self.station, self.sign_in_view.field)
        self.printing.connect_station(self.station)

        self.sign_in.signed_in.connect(self._signed_in)
        self.station.sign_out_requested.connect(self._sign_out)
        self.station.saved.connect(self._saved)
        self.station.board_requested.connect(self.show_board)
        self.sync.connect_station(self.station.saved)
        self.stack.setCurrentWidget(self.sign_in_view)
        self.sign_in_view.field.setFocus()
        # Never larger than the screen it opens on (1280×900 did not fit a 1024×768 panel).
        self.resize(PREFERRED_SIZE.boundedTo(self.screen().availableGeometry().size()))

    # Window size, type size and kiosk mode ------------------------------------------------------------------
    def show_on_screen(self) -> None:
        """Show the window as the station is set up: full screen without decorations in kiosk mode; maximized
        on a screen smaller than the preferred size (the window manager then fits it, frame and taskbar
        included); else at the preferred size in the middle of the screen."""
        if self.kiosk:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.showFullScreen()
        elif self.size() != PREFERRED_SIZE:
            self.showMaximized()
        else:
            self.move(self.screen().availableGeometry().center() - self.rect().center())
            self.show()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._restyle()

    def _restyle(self) -> None:
        """Type sizes follow the window, so every screen fits from 1024×768 up and fills a large screen."""
        scale = window_scale(self.width(), self.height())
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(stylesheet(scale))

    def _signed_in(self, operator: OperatorView) -> None:
        if operator.role != "worker" and self.review is None:
            # The desk's modules load off the GUI thread now, so the first F6 only builds the screen.
            threading.Thread(target=_load_review_modules, name="review-imports", daemon=True).start()
        self.operator_label.setText(f"{operator.name} ({operator.role})")
        self.signed_in_as = operator
        self.stack.setCurrentWidget(self.station_view)
        self.station.start(operator)

    def _sign_out(self) -> None:
        leaving, self.signed_in_as = self.signed_in_as, None
        if leaving is not None:  # audited (and so in the log), like the sign-in
            self.ops.run_db(lambda: self.desk.sign_out(leaving), lambda _done: None)
        self.operator_label.setText("Not signed in")
        self.sign_in.reset()
        self.stack.setCurrentWidget(self.sign_in_view)

    def show_board(self) -> None:
        """F6 from Ready (a supervisor): the board; F6 there comes back to the station, as it was."""
        operator = self.station.operator
        if operator is None:
            return
        if self.review is None:
            from app.review.desk import ReviewDesk  # loaded at the first F6: start-up never pays for it
            from ui.screens.review_screen import ReviewScreen

            self.review = ReviewScreen(ReviewDesk(self.desk.db, self.desk.ctx, self.settings), self.ops, self)
            self.stack.addWidget(self.review)
            self.review.back_requested.connect(self.show_station)
            self.review.sign_out_requested.connect(self._sign_out_from_board)
            self.ops.changes_applied.connect(self.review.refresh)
            self.sync.status_changed.connect(lambda _status: self.review.refresh() if self.review else None)
        self.stack.setCurrentWidget(self.review)
        self.review.start(operator)

    def show_station(self) -> None:
        self.stack.setCurrentWidget(self.station_view)
        self.station_view.setFocus()

    def _sign_out_from_board(self) -> None:
        self.show_station()
        self.station.feed(FunctionKey(12))

    def show_error(self, error: BaseException) -> None:
        """The one place a background failure without its own handler is shown: logged, and in words."""
        current = self.stack.currentWidget()
        on_board = self.review is not None and current is self.review
        banner = (self.review.banner if self.review is not None and on_board
                  else self.station_view.banner if current is self.station_view else self.sign_in_view.banner)
        banner.show_message(describe_error(error, "background operation failed", log), BAD)

    def _saved(self, at: datetime) -> None:
        self.save_label.setText(f"Last save {at:%H:%M:%S}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.kiosk and self.station.operator is not None:
            # Alt+F4 or a stray click must not take the station away from the worker signed in.
            event.ignore()
            self.station.report_problem(KIOSK_CLOSE_REFUSED)
            return
        self.scanners.stop()
        self.printing.stop()
        self.sync.stop()
        self.ops.shutdown()
        if self.review is not None:
            self.review.desk.close()
        super().closeEvent(event)


def _load_review_modules() -> None:
    import app.review.desk  # noqa: F401
    import ui.screens.review_screen  # noqa: F401


def status_rows(*rows: list[QLabel]) -> QWidget:
    """Status labels in rows; long texts are elided by the labels' width, with the full text as tooltip."""
    box = QWidget()
    elide = ElideText(box)
    grid = QGridLayout(box)
    grid.setContentsMargins(8, 2, 8, 2)
    grid.setHorizontalSpacing(28)
    grid.setVerticalSpacing(0)
    for row, labels in enumerate(rows):
        for column, label in enumerate(labels):
            elide.watch(label)  # a long status never widens the window; the column shows what fits, then "…"
            label.setContentsMargins(0, 0, 0, 0)
            grid.addWidget(label, row, column)
    for column in range(max(len(r) for r in rows)):
        grid.setColumnStretch(column, 1)
    return box
