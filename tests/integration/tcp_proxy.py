"""A loopback TCP proxy in front of a database server that can drop every stream mid-way, like a cut cable."""

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
        threading.Thread(target=self._accept, daemon=True).start()

    def set_down(self, down: bool) -> None:
        """Down: every stream is dropped and new connections are refused until it is up again."""
        with self._lock:
            self.down = down
            if down:
                self._drop_all()

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
                if self.budget is not None:
                    self.budget -= len(data)
                    if self.budget < 0:
                        self.budget = None
                        self.cuts += 1
                        self._drop_all()
                        return
            try:
                sink.sendall(data)
            except OSError:
                break
        for s in (source, sink):
            _close(s)

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
