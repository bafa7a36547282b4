"""A Zebra-like printer on a loopback port for tests and benchmarks: answers ~HS like a Zebra (wherever it
comes in the stream, as tilde commands are), records each job byte for byte, and can be switched to a fault:
  hang       no status reply at all, as a Zebra out of media
  paper_out  the status reply says out of paper
  reset      after `reset_after` bytes of a job, closes with SO_LINGER 0: the client gets an RST mid-label
  silent     reads the whole job, then neither answers nor closes (a printer that never confirms)
  keep_open  answers and takes jobs, but closes only 3 s after the client has (some print servers do)
A job counts as printed (`jobs`) once the printer has all of it: at the ~HS that follows it, or at the
client's orderly end of stream. `partial` keeps what a reset cut off; `faults` counts the faults injected."""

from __future__ import annotations

import socket
import struct
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
        self.mode = "ok"  # ok | hang | paper_out | reset | silent | keep_open
        self.reset_after = 200  # bytes of a job before a reset, in mode "reset"
        self.reset_delay_s = 0.05  # a printer chokes a moment after the bytes came in, then resets
        self.jobs: list[bytes] = []
        self.partial: list[bytes] = []
        self.faults = 0
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
            try:
                self._conversation(conn)
            except OSError:
                return

    def _conversation(self, conn: socket.socket) -> None:
        """Bytes up to each ~HS are answered with a status; the job is what comes between and after them."""
        pending = b""  # not yet parsed: may end in part of a ~HS
        job = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            pending += chunk
            if self._cut(conn, job + pending.replace(STATUS_QUERY, b"")):  # before a ~HS could confirm it
                return
            while STATUS_QUERY in pending:
                before, _, pending = pending.partition(STATUS_QUERY)
                job += before
                if not self._answer(conn, job):
                    return
                if job:
                    self._record(job)
                    job = b""
        job += pending
        if job and self.mode == "silent":
            self._stop.wait(3)  # never closes in time and never confirms: the client gives up
            return
        if job:
            self._record(job)
        if self.mode == "keep_open":
            self._stop.wait(3)

    def _answer(self, conn: socket.socket, job: bytes) -> bool:
        """A status reply, or False when the printer says nothing (out of media, or silent after a job)."""
        if self.mode == "hang" or (self.mode == "silent" and job):
            self._stop.wait(3)
            return False
        conn.sendall(zebra_status(paper_out=self.mode == "paper_out"))
        return True

    def _cut(self, conn: socket.socket, job: bytes) -> bool:
        if self.mode != "reset" or len(job) < self.reset_after:
            return False
        self._stop.wait(self.reset_delay_s)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close() sends an RST
        with self._lock:
            self.faults += 1
            self.partial.append(job[:self.reset_after])
        return True

    def _record(self, job: bytes) -> None:
        with self._lock:
            self.jobs.append(job)
