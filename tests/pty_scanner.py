"""A serial scanner made of a real pty pair: the app opens the slave through a stable symlink (like
/dev/serial/by-id/…), the test writes scanner bytes into the master. Unplug closes both ends and removes
the link; plug opens a new pair behind the same link (the device name changes, as with real USB)."""

from __future__ import annotations

import os
from pathlib import Path


class PtyScanner:
    def __init__(self, link: Path) -> None:
        self.link = link
        self.master: int | None = None
        self._slave: int | None = None
        self.plug()

    def plug(self) -> None:
        self.master, self._slave = os.openpty()
        if self.link.is_symlink():
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self._slave))

    def unplug(self) -> None:
        self.link.unlink()
        for fd in (self.master, self._slave):
            if fd is not None:
                os.close(fd)
        self.master = self._slave = None

    def write(self, data: bytes) -> None:
        assert self.master is not None, "plugged in"
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view):]

    def close(self) -> None:
        if self.master is not None:
            self.unplug()
