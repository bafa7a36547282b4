"""Where a job goes: a Zebra-style printer on raw TCP 9100, a system printer through CUPS `lp`, or a folder.

A printer is named in the station settings with a spec string:
  tcp://HOST[:PORT][?status=no&timeout=S]   raw TCP (port 9100 by default); asks ~HS first unless status=no
  lp://QUEUE                                a CUPS queue (Linux/macOS); PDF, or raw ZPL with a "zpl+" prefix
  file:///DIR  or  file:DIR                 writes one file per job into DIR (for tests, demos and audits)
A "zpl+" or "pdf+" prefix chooses the format; the default is ZPL for tcp and PDF for the others.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from app.errors import ConfigError, PrintError, PrinterUnavailable

DEFAULT_PORT = 9100
DEFAULT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class PrinterSpec:
    name: str
    scheme: str  # tcp | lp | file
    target: str  # host, queue name, or folder
    port: int = DEFAULT_PORT
    format: str = "zpl"  # zpl | pdf
    timeout_s: float = DEFAULT_TIMEOUT_S
    status_check: bool = True

    def describe(self) -> str:
        if self.scheme == "tcp":
            return f"{self.name} ({self.target}:{self.port})"
        return f"{self.name} ({self.scheme} {self.target})"


def parse_printer(name: str, spec: str) -> PrinterSpec:
    text = spec.strip()
    fmt: str | None = None
    for prefix in ("zpl+", "pdf+"):
        if text.startswith(prefix):
            fmt, text = prefix[:-1], text[len(prefix):]
    if text.startswith("file:") and not text.startswith("file://"):
        return PrinterSpec(name, "file", os.path.expanduser(text[5:]), format=fmt or "pdf")
    parts = urlsplit(text)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT_S))
        if parts.scheme == "tcp" and parts.hostname:
            return PrinterSpec(name, "tcp", parts.hostname, parts.port or DEFAULT_PORT, fmt or "zpl", timeout,
                               query.get("status", "yes") not in ("no", "0", "off"))
    except ValueError:
        pass
    if parts.scheme == "lp" and (parts.netloc or parts.path.strip("/")):
        return PrinterSpec(name, "lp", parts.netloc or parts.path.strip("/"), format=fmt or "pdf")
    if parts.scheme == "file" and parts.path:
        return PrinterSpec(name, "file", os.path.expanduser(parts.path), format=fmt or "pdf")
    raise ConfigError(
        f"Printer '{name}': '{spec}' is not a printer address. Use tcp://HOST:9100 for a label printer, "
        "lp://QUEUE for a system printer, or file:/FOLDER to save the jobs as files."
    )


def parse_printers(text: str) -> dict[str, PrinterSpec]:
    """`name=spec, name=spec` (the `printers` setting)."""
    printers: dict[str, PrinterSpec] = {}
    for entry in filter(None, (e.strip() for e in text.replace(";", ",").split(","))):
        name, sep, spec = entry.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"printers: '{entry}' should look like name=tcp://10.0.0.5:9100.")
        printers[name.strip()] = parse_printer(name.strip(), spec)
    return printers


class Transport(Protocol):
    def send(self, payload: bytes, job_name: str) -> None: ...


# ~HS answers three STX…ETX strings. A Zebra says nothing at all while out of media or with the head open,
# so a timeout here means "not ready" as much as "not there".
_STATUS_QUERY = b"~HS\r\n"


class TcpTransport:
    """Raw TCP 9100. `send` returns only once the printer has taken the whole job: after the job (and a ~HS
    when status checks are on) and our half-close, the printer answers the ~HS or closes in order. A reset or
    silence instead raises PrinterUnavailable, so the job waits and is sent again; never marked printed."""

    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec

    def send(self, payload: bytes, job_name: str) -> None:
        where, timeout = self.spec.describe(), self.spec.timeout_s
        delivering = False  # once the job's first byte may have left: a failure from here is "mid-label"
        try:
            with socket.create_connection((self.spec.target, self.spec.port), timeout=timeout) as sock:
                sock.settimeout(timeout)
                if self.spec.status_check:
                    sock.sendall(_STATUS_QUERY)
                    check_status(read_status(sock), where)
                delivering = True
                # A ~HS after the job is read only once every byte before it was: its answer is the receipt.
                sock.sendall(payload + _STATUS_QUERY if self.spec.status_check else payload)
                sock.shutdown(socket.SHUT_WR)
                wait_for_receipt(sock, self.spec.status_check)
        except PrinterUnavailable:
            raise
        except OSError as exc:
            raise PrinterUnavailable(_failure(where, timeout, exc, delivering)) from None


def _failure(where: str, timeout: float, exc: OSError, delivering: bool) -> str:
    if delivering and isinstance(exc, TimeoutError):
        return (f"Printer {where} did not confirm the label within {timeout:g} s (no reply, connection left "
                "open); it will be sent again. Check that it is on and not jammed.")
    if delivering:  # a reset (ECONNRESET, EPIPE, or ENOTCONN when it came before our half-close)
        return f"Printer {where} dropped the connection mid-label; it will be sent again."
    if isinstance(exc, TimeoutError):
        return (f"Printer {where} did not answer within {timeout:g} s. Check that it is on, has labels and its "
                "head is closed.")
    return (f"Printer {where} cannot be reached ({exc.strerror or exc}). Check that it is on and plugged into "
            "the network.")


def read_status(sock: socket.socket) -> bytes:
    data = b""
    deadline = time.monotonic() + sock.gettimeout()  # type: ignore[operator]
    while data.count(b"\x03") < 2:  # strings 1 and 2 carry the flags we read
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = sock.recv(1024)
        if not chunk:
            raise ConnectionResetError("the printer closed the connection while reporting its status")
        data += chunk
    return data


def wait_for_receipt(sock: socket.socket, status_reply: bool) -> None:
    """After the job and our SHUT_WR: return when the printer closes in order (recv gives b"") or, if a ~HS
    followed the job, answers it. An RST raises ConnectionResetError; silence past the timeout TimeoutError.
    Two STX after the job mean a new reply began: at most one string of the first reply was left unread."""
    deadline = time.monotonic() + sock.gettimeout()  # type: ignore[operator]
    seen = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)
        chunk = sock.recv(1024)
        if not chunk:
            return
        seen += chunk
        if status_reply and seen.count(b"\x02") >= 2:
            return


def check_status(reply: bytes, where: str) -> None:
    strings = [s.split(b"\x03")[0].decode("ascii", "replace") for s in reply.split(b"\x02")[1:]]
    try:
        first, second = strings[0].split(","), strings[1].split(",")
        problems = [text for flag, text in ((first[1], "out of paper"), (first[2], "paused"),
                                            (second[2], "head open"), (second[3], "out of ribbon"))
                    if flag.strip() == "1"]
    except IndexError:
        return  # not a Zebra status reply: trust the connection
    if problems:
        raise PrinterUnavailable(f"Printer {where} is {' and '.join(problems)}. Fix it at the printer.")


class LpTransport:
    """CUPS: `lp -d QUEUE`. Raw ZPL goes with `-o raw` to a queue that feeds a label printer."""

    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec

    def send(self, payload: bytes, job_name: str) -> None:
        lp = shutil.which("lp")
        if lp is None:
            raise PrintError("The system print command `lp` is not installed (CUPS). Install CUPS or choose a "
                             "network (tcp://) or file printer in the station settings.")
        args = [lp, "-d", self.spec.target, "-t", job_name]
        if self.spec.format == "zpl":
            args += ["-o", "raw"]
        try:
            result = subprocess.run(args, input=payload, capture_output=True, timeout=self.spec.timeout_s * 4,
                                    check=False)
        except subprocess.TimeoutExpired:
            raise PrinterUnavailable(
                f"The system printer {self.spec.describe()} did not take the job in time.") from None
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip() or f"lp exited with {result.returncode}"
            raise PrinterUnavailable(f"The system printer {self.spec.describe()} refused the job: {message}")


class FileTransport:
    def __init__(self, spec: PrinterSpec) -> None:
        self.spec = spec

    def send(self, payload: bytes, job_name: str) -> None:
        folder = Path(self.spec.target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{job_name}.{self.spec.format}"
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(payload)
            partial.replace(target)  # a reader never sees half a file
        except OSError as exc:
            raise PrinterUnavailable(f"Cannot write the job to {folder}: {exc.strerror or exc}. Check the folder "
                                     "exists and can be written.") from None


def transport_for(spec: PrinterSpec) -> Transport:
    if spec.scheme == "tcp":
        return TcpTransport(spec)
    if spec.scheme == "lp":
        return LpTransport(spec)
    return FileTransport(spec)
