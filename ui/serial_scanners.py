"""Serial scanners for the GUI: reader threads → Qt signals on the GUI thread, plus a one-line status.

Signals emitted from a reader thread reach slots of this object (which lives on the GUI thread) through
a queued connection, so the station handles a serial scan exactly like a wedge scan, in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from app.scanning.ports import SerialSpec

if TYPE_CHECKING:
    from app.scanning.serial_reader import PortState, SerialReader

# PortState's values: pyserial (app.scanning.serial_reader) is imported only when a serial scanner is set up,
# so a station with wedge scanners alone does not pay for it at start-up.
CONNECTED, DISCONNECTED = "connected", "disconnected"


class SerialScanners(QObject):
    line_received = Signal(str, str)  # scanner label, text
    fragment_received = Signal(str, str)  # scanner label, bytes of a scan cut off by an unplug
    status_changed = Signal(str)  # e.g. "Scanner Left: connected · Scanner Right: disconnected"
    _from_reader = Signal(str, str, str)  # kind, label, payload (crosses threads)

    def __init__(self, specs: list[SerialSpec], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: dict[str, str] = {s.label: DISCONNECTED for s in specs}
        self._readers = [self._reader(spec) for spec in specs]
        self._from_reader.connect(self._on_reader, Qt.ConnectionType.QueuedConnection)

    def _reader(self, spec: SerialSpec) -> SerialReader:
        from app.scanning.serial_reader import SerialReader

        label = spec.label
        return SerialReader(
            spec,
            on_line=lambda text: self._from_reader.emit("line", label, text),
            on_status=lambda state, detail: self._from_reader.emit("status", label, state.value),
            on_fragment=lambda text: self._from_reader.emit("fragment", label, text),
        )

    @property
    def configured(self) -> bool:
        return bool(self._readers)

    def start(self) -> None:
        for reader in self._readers:
            reader.start()

    def stop(self) -> None:
        for reader in self._readers:
            reader.stop()

    def state(self, label: str) -> PortState:
        from app.scanning.serial_reader import PortState

        return PortState(self._states[label])

    def summary(self) -> str:
        return " · ".join(
            f"Scanner {label}: {'connected' if state == CONNECTED else 'scanner disconnected'}"
            for label, state in self._states.items()
        )

    def _on_reader(self, kind: str, label: str, payload: str) -> None:
        if kind == "line":
            self.line_received.emit(label, payload)
        elif kind == "fragment":
            self.fragment_received.emit(label, payload)
        else:
            self._states[label] = payload
            self.status_changed.emit(self.summary())
