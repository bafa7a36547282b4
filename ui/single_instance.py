"""A second start of the station's window brings the running one to the front instead of opening another.

The first window holds the station's exclusive lock (app/single_instance.py) and listens on a local socket
named after the same station and database. A second start finds the lock taken, asks the first over the
socket to come to the front, and exits; only when the first does not answer (still starting for more than
a few seconds, or hung) does it say so in a message box.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from app.config import Settings
from app.single_instance import InstanceLock, instance_key, lock_path

log = logging.getLogger(__name__)
RAISE = b"raise\n"
ANSWER = b"ok\n"
# A first window still starting (migrating its database) listens only once its event loop runs.
ASK_FOR_S = 10.0
ALREADY_RUNNING_EXIT = 3


def server_name(settings: Settings) -> str:
    return f"returns-desk-{instance_key(settings)}"


class RaiseServer(QObject):
    """Answers "raise" from a second start by bringing the window to the front."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.window: QWidget | None = None
        self._server = QLocalServer(self)
        name = server_name(settings)
        QLocalServer.removeServer(name)  # a socket left by a crashed first window (we hold the lock: none runs)
        if not self._server.listen(name):
            log.warning("single-instance socket %s not listening: %s", name, self._server.errorString())
        self._server.newConnection.connect(self._on_connection)

    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_request(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).strip() != RAISE.strip():
            socket.disconnectFromServer()
            return
        log.info("a second start of this station: bringing the window to the front")
        if self.window is not None:
            bring_to_front(self.window)
        socket.write(ANSWER)
        socket.flush()
        socket.disconnectFromServer()


def bring_to_front(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def claim_station(settings: Settings, message: Callable[[str], None] | None = None) -> InstanceLock | None:
    """The station's lock for this window, or None when another window has it (which was then asked to
    come to the front, or, if it did not answer, the person told so)."""
    lock = InstanceLock(lock_path(settings))
    if lock.acquire(exclusive=True):
        return lock
    words = (f"Returns Desk is already running on station {settings.station_id} with this database: "
             "its window was brought to the front.")
    if _ask_to_raise(server_name(settings)):
        print(words, file=sys.stderr)
        return None
    words = (f"Returns Desk is already running on station {settings.station_id} with this database (or a "
             "command such as an import is using it), but it did not answer. Look for its window; if there "
             "is none, wait a minute and start again, or restart the computer.")
    print(words, file=sys.stderr, flush=True)
    (message or _message_box)(words)
    return None


def _ask_to_raise(name: str) -> bool:
    deadline = time.monotonic() + ASK_FOR_S
    while time.monotonic() < deadline:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            socket.write(RAISE)
            socket.flush()
            if socket.waitForReadyRead(int(ASK_FOR_S * 1000)) and bytes(socket.readAll().data()) == ANSWER:
                return True
            return False
        time.sleep(0.2)
    return False


def _message_box(words: str) -> None:
    QMessageBox.warning(None, "Returns Desk is already running", words)
