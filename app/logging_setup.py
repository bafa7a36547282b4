"""The station's log: rotating, size-bounded files in the platform log folder, never a PIN or a password.

`configure_logging()` is called once at start-up (the window, `doctor`). Besides what modules log themselves,
every committed audit event (sign-in, finalize, print moves, reprints, voids, overrides...) is written as one
line, so IT can follow a station's day from its log without opening the database.
"""

from __future__ import annotations

import logging
import re
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import platformdirs

from app.config import APP_NAME

LOG_FILE_NAME = "returns-desk.log"
MAX_BYTES = 2 * 1024 * 1024  # 2 MB a file ...
BACKUP_COUNT = 5  # ... and five old ones: at most 12 MB of logs a station
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"
HIDDEN = "***"

# What must never reach a log line: a URL's password, key=value secrets, a PIN given as a value, a PIN hash.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@\s/]+)(?P<tail>@)", re.I)
_KEY_VALUE = re.compile(
    r"(?P<head>(?:\b\w*(?:password|passwd|secret|token|api_key|pin_hash)\w*|\b(?:\w+_)?pin|\bpwd)"
    r"['\"]?\s*[=:]\s*['\"]?)"
    r"(?P<secret>[^\s'\",;&)]+)", re.I)
_PIN_HASH = re.compile(r"scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+")

_lock = threading.Lock()
_handler: RotatingFileHandler | None = None


def log_dir() -> Path:
    """Where the log files and crash reports are: e.g. ~/.local/state/ReturnsDesk/log on Linux,
    %LOCALAPPDATA%\\ReturnsDesk\\Logs on Windows."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file(folder: Path | None = None) -> Path:
    return (folder or log_dir()) / LOG_FILE_NAME


def redact(text: str) -> str:
    """`text` with URL passwords, key=value secrets (password, pin, token...) and PIN hashes replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{HIDDEN}{m['tail']}", text)
    text = _KEY_VALUE.sub(lambda m: f"{m['head']}{HIDDEN}", text)
    return _PIN_HASH.sub(HIDDEN, text)


class RedactingFormatter(logging.Formatter):
    """Formats the whole record (message, arguments, traceback) and then redacts it: a secret inside an
    exception's text or a URL in an argument is caught too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the root logger to the rotating file in `folder` (default: the platform log folder) and log every
    committed audit event. Idempotent: a second call moves the file. Returns the log file's path."""
    global _handler
    target = log_file(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    with _lock:
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        _handler = handler
        root.addHandler(handler)
    root.setLevel(level)
    _log_audit_events()
    return target


def stop_logging() -> None:
    """Detach and close the file handler (tests, and the end of a command)."""
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger().removeHandler(_handler)
            _handler.close()
            _handler = None


_audit_log = logging.getLogger("returns_desk.activity")
_PENDING = "returns_desk_audit_pending"
_listening = False


def _log_audit_events() -> None:
    """Every AuditEvent a session flushes is logged once its transaction commits (a rolled-back one never)."""
    global _listening
    if _listening:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    event.listen(Session, "after_flush", _collect_audit_events)
    event.listen(Session, "after_commit", _write_audit_events)
    event.listen(Session, "after_rollback", lambda session: session.info.pop(_PENDING, None))
    _listening = True


def _collect_audit_events(session: Any, _context: Any) -> None:
    from app.db.models import AuditEvent, PrintJob

    lines = [_audit_line(obj) for obj in session.new if isinstance(obj, AuditEvent)]
    lines += [_print_line(obj, "queued") for obj in session.new if isinstance(obj, PrintJob)]
    lines += [_print_line(obj, obj.status) for obj in session.dirty
              if isinstance(obj, PrintJob) and _status_changed(obj)]
    if lines:
        session.info.setdefault(_PENDING, []).extend(lines)


def _status_changed(obj: Any) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(obj).attrs.status.history.added)


def _print_line(job: Any, status: str) -> str:
    error = f" ({job.last_error})" if status != "done" and job.last_error else ""
    return f"print job {job.kind} on printer {job.printer}: {status}{error}"


def _write_audit_events(session: Any) -> None:
    for line in session.info.pop(_PENDING, []):
        _audit_log.info("%s", line)


def _audit_line(event: Any) -> str:
    """One audit event in a line: action, station, operator id, item, detail (detail never holds a PIN: the
    services write badges and counts there; redact() still runs on it)."""
    item = f" item {event.item_id}" if event.item_id else ""
    detail = f": {event.detail}" if event.detail else ""
    return f"{event.action} at {event.station_id} by operator {event.operator_id}{item}{detail}"
