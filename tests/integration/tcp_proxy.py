"""A loopback TCP proxy in front of a database server that can drop every stream mid-way, like a cut cable, or go
silent: it keeps every connection open and takes what is sent, but forwards nothing either way (a dead link or a
hung middlebox: no RST, no FIN, no answer), also for new connections, until it forwards again."""

from __future__ import annotations

import socket
import threading


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the server; after `cut_after(n)` it drops all streams once n more bytes passed."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.budget: int | None = None
        self.cuts = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False
        self.down = False
        self.silent = False
        self.silent_budget: int | None = None
        self.swallowed = 0  # bytes taken and dropped while silent
        self.passed = 0  # bytes forwarded, both ways
        threading.Thread(target=self._accept, daemon=True).start()

    def set_down(self, down: bool) -> None:
        """Down: every stream is dropped and new connections are refused until it is up again."""
        with self._lock:
            self.down = down
            if down:
                self._drop_all()

    def set_silent(self, silent: bool) -> None:
        """Silent: forward nothing, close nothing (packets vanish); False: forward again (new connections work)."""
        with self._lock:
            self.silent = silent
            self.silent_budget = None

    def silent_after(self, n_bytes: int) -> None:
        """Go silent once `n_bytes` more have passed (mid-stream, e.g. in the middle of a push batch)."""
        with self._lock:
            self.silent_budget = n_bytes

    def cut_after(self, n_bytes: int | None) -> None:
        with self._lock:
            self.budget = n_bytes

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                _close(client)
                continue
            if self.silent:  # the handshake is done (the OS did it), then nothing ever answers
                with self._lock:
                    self._sockets.append(client)
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            with self._lock:
                if self._swallowed(len(data)):
                    continue
                if self.budget is not None:
                    self.budget -= len(data)
                    if self.budget < 0:
                        self.budget = None
                        self.cuts += 1
                        self._drop_all()
                        return
            with self._lock:
                self.passed += len(data)
            try:
                sink.sendall(data)
            except OSError:
                break
        for s in (source, sink):
            _close(s)

    def _swallowed(self, n_bytes: int) -> bool:
        """Under the lock: are these bytes dropped (silent, or the silent budget just ran out)?"""
        if self.silent_budget is not None:
            self.silent_budget -= n_bytes
            if self.silent_budget < 0:
                self.silent, self.silent_budget = True, None
        if self.silent:
            self.swallowed += n_bytes
        return self.silent

    def _swallow(self, client: socket.socket) -> None:
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.swallowed += len(data)

    def _drop_all(self) -> None:
        for s in self._sockets:
            _close(s)
        self._sockets.clear()

    def close(self) -> None:
        self._closed = True
        _close(self.listener)
        with self._lock:
            self._drop_all()


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
