"""A Zebra-like printer on a loopback port for tests and benchmarks: answers ~HS like a Zebra, records each
job byte for byte, and can be switched to refuse, hang (no status reply, as a Zebra out of media) or report
paper out."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

STATUS_QUERY = b"~HS\r\n"


def zebra_status(paper_out: bool = False, head_open: bool = False) -> bytes:
    first = f"030,{int(paper_out)},0,1218,000,0,0,0,000,0,0,0"
    second = f"000,0,{int(head_open)},0,0,2,6,0,00000000,1,000"
    return b"\x02" + first.encode() + b"\x03\r\n\x02" + second.encode() + b"\x03\r\n\x021234,0\x03\r\n"


class PrinterServer:
    def __init__(self) -> None:
        self.mode = "ok"  # ok | hang | paper_out
        self.jobs: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def spec(self) -> str:
        return f"tcp://127.0.0.1:{self.port}?timeout=0.5"

    def __enter__(self) -> PrinterServer:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def wait_for(self, count: int, timeout_s: float = 5.0) -> list[bytes]:
        """The jobs once `count` have arrived (the client returns before the server has read everything)."""
        deadline = time.monotonic() + timeout_s
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(): the port stops listening now
        except OSError:
            pass
        self._sock.close()
        self._thread.join(timeout=2)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            with self._lock:
                self.connections += 1
            data = b""
            try:
                while not data.startswith(STATUS_QUERY) and len(data) < len(STATUS_QUERY):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                if data.startswith(STATUS_QUERY):
                    if self.mode == "hang":
                        self._stop.wait(3)  # says nothing, like a Zebra out of media
                        return
                    conn.sendall(zebra_status(paper_out=self.mode == "paper_out"))
                    data = data[len(STATUS_QUERY):]
                while chunk := conn.recv(65536):
                    data += chunk
            except OSError:
                return
            if data:
                with self._lock:
                    self.jobs.append(data)
