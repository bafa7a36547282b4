"""One thread per serial scanner: bytes → lines, reconnecting by itself when the scanner is unplugged.

No Qt here: the reader calls `on_line(text)` and `on_status(state, detail)` from its own thread; the UI
bridge (ui/serial_scanners.py) turns them into signals for the GUI thread.
Nothing is lost: every complete line is delivered before a disconnect is reported, and bytes of a scan
cut off by the unplug are delivered through `on_fragment` (so the worker is told to scan again) instead
of being glued to the next scan.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum

import serial

from app.scanning.ports import TERMINATORS, SerialSpec, resolve

log = logging.getLogger("returns_desk.serial")


class PortState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"


class LineSplitter:
    """Cuts a byte stream at the terminator, however the bytes were chunked (pure, for tests and bench)."""

    def __init__(self, terminator: str = "ANY") -> None:
        self._term = TERMINATORS[terminator]
        self._buffer = bytearray()

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data
        lines: list[bytes] = []
        if self._term:
            while (i := self._buffer.find(self._term)) >= 0:
                lines.append(bytes(self._buffer[:i]))
                del self._buffer[: i + len(self._term)]
        else:  # CR or LF, blank lines (the LF of a CRLF) skipped
            while (i := _first_eol(self._buffer)) >= 0:
                lines.append(bytes(self._buffer[:i]))
                del self._buffer[: i + 1]
            lines = [line for line in lines if line]
        return [_decode(line) for line in lines]

    def take_pending(self) -> str:
        text = _decode(bytes(self._buffer))
        self._buffer.clear()
        return text


def _first_eol(buffer: bytearray) -> int:
    found = [i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0]
    return min(found) if found else -1


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte means something; the parser says what is wrong


class SerialReader(threading.Thread):
    FIRST_BACKOFF_S = 0.1
    MAX_BACKOFF_S = 2.0
    READ_TIMEOUT_S = 0.05  # how soon `stop()` is noticed; a read returns at once when bytes arrive

    def __init__(
        self,
        spec: SerialSpec,
        on_line: Callable[[str], None],
        on_status: Callable[[PortState, str], None],
        on_fragment: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(name=f"scanner {spec.label}", daemon=True)
        self.spec = spec
        self._on_line = on_line
        self._on_status = on_status
        self._on_fragment = on_fragment or (lambda text: None)
        self._stopping = threading.Event()
        self.state = PortState.DISCONNECTED
        self.reconnects = 0

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        backoff = self.FIRST_BACKOFF_S
        first = True
        while not self._stopping.is_set():
            device = resolve(self.spec)
            port = self._open(device) if device else None
            if port is None:
                if first:
                    self._set_state(PortState.DISCONNECTED, "not found" if device is None else "cannot open")
                first = False
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF_S)
                continue
            if not first:
                self.reconnects += 1
            first = False
            backoff = self.FIRST_BACKOFF_S
            self._set_state(PortState.CONNECTED, device or "")
            reason = self._read_until_gone(port)
            if reason:
                self._set_state(PortState.DISCONNECTED, reason)
        self._set_state(PortState.STOPPED, "")

    def _open(self, device: str) -> serial.Serial | None:
        try:
            return serial.Serial(
                device, baudrate=self.spec.baud, parity=self.spec.parity, bytesize=self.spec.bits,
                stopbits=self.spec.stop, timeout=self.READ_TIMEOUT_S,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            log.info("scanner %s: cannot open %s: %s", self.spec.label, device, exc)
            return None

    def _read_until_gone(self, port: serial.Serial) -> str:
        """Read lines until stopped ('' returned) or the port goes away (the reason returned)."""
        splitter = LineSplitter(self.spec.terminator)
        try:
            while not self._stopping.is_set():
                data = port.read(port.in_waiting or 1)
                for line in splitter.feed(data) if data else ():
                    self._on_line(line)
            return ""
        except (serial.SerialException, OSError, TypeError) as exc:
            # pyserial raises TypeError inside read() when the fd was closed under it.
            log.info("scanner %s disconnected: %s", self.spec.label, exc)
            return "unplugged"
        finally:
            pending = splitter.take_pending()
            if pending.strip("\r\n"):
                self._on_fragment(pending)
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass

    def _set_state(self, state: PortState, detail: str) -> None:
        self.state = state
        self._on_status(state, detail)
