"""A station's side of the fleet view (issue 11, docs/fleet.md): before each sync round it checks that it knows
the central schema, that its station id is its own, and that it is not older than the site's `min_version`;
after the round it reports how it is doing (version, build, queues, last error) to `station_report`.

A station's identity is its database file: a random instance key, made once and kept in the station's own
`sync_state`, is registered centrally with the station id by the first round. A second station with the same id
(another file, so another key) is refused: it would make the same LPNs. A re-installed station (a new file)
is re-claimed by IT with `returns-desk stations claim --by BADGE` (an admin), which the old one then loses.
"""

from __future__ import annotations

import importlib
import logging
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Connection, Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.db import migrate
from app.db.models import OutboxEntry, PrintJob, SiteInfo, StationReport, as_utc
from app.db.uow import Database
from app.domain.status import JobStatus
from app.errors import CentralSchemaMismatch, CentralUnavailable, SyncRefused
from app.sync import state
from app.sync.central import plain_errors
from app.sync.push import UNSENT

log = logging.getLogger("returns_desk.sync")
INSTANCE_KEY = "station_instance_key"
REPORT: Table = StationReport.__table__  # type: ignore[assignment]
SITE_INFO: Table = SiteInfo.__table__  # type: ignore[assignment]
OUTBOX: Table = OutboxEntry.__table__  # type: ignore[assignment]
PRINT_JOB: Table = PrintJob.__table__  # type: ignore[assignment]
OPEN_JOBS = (JobStatus.QUEUED, JobStatus.PRINTING, JobStatus.SENDING, JobStatus.WAITING, JobStatus.UNSURE)
ERROR_MAX = 500


class StationIdTaken(SyncRefused):
    """Another station (another database file) already uses this station id against this central database."""


class StationTooOld(SyncRefused):
    """This station's version is below the site's `min_version`: it must be upgraded; its changes wait."""


class CentralSchemaTooNew(CentralSchemaMismatch):
    """The central schema is newer than this version knows: this station must be upgraded to sync."""


def running_version() -> tuple[str, str]:
    """(version, build) of this program: app/version.py's build_info() (the embedded build commit, or the
    checkout's); without that module, the package's version and build "dev"."""
    try:
        info = importlib.import_module("app.version").build_info()
        return str(info.version), str(info.commit)
    except (ImportError, AttributeError):
        import app

        return app.__version__, "dev"


def version_key(version: str) -> tuple[int, ...]:
    """'1.4.2' -> (1, 4, 2); anything after the digits of a part ('2rc1', '0+abc') is ignored."""
    key = []
    for part in version.strip().split("."):
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        key.append(int(digits or 0))
    while len(key) > 1 and key[-1] == 0:
        key.pop()  # 1.4 == 1.4.0
    return tuple(key)


def older_than(version: str, minimum: str) -> bool:
    return bool(minimum) and version_key(version) < version_key(minimum)


def instance_key(local: Database) -> str:
    """This station's instance key, made at first need and kept in its own database."""
    with local.engine.begin() as conn:
        key = state.read(conn, INSTANCE_KEY)
        if not key:
            key = secrets.token_hex(16)
            state.write(conn, INSTANCE_KEY, key)
        return key


@cache
def known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate._alembic_config())
    return frozenset(rev.revision for rev in scripts.walk_revisions())


def check_central_schema(conn: Connection) -> None:
    """Refuse a central schema this version does not know (naming the version it needs) or one behind it."""
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision == migrate.HEAD_REVISION:
        return
    if revision in known_revisions():
        raise CentralSchemaMismatch(
            f"The central database's schema ({revision}) is older than this station's ({migrate.HEAD_REVISION}). "
            "Nothing is lost: changes wait here. Ask IT to upgrade the central database first "
            "(returns-desk db upgrade against it, docs/central-database.md), then stations sync again.")
    needed = _schema_app_version(conn)
    version, _ = running_version()
    raise CentralSchemaTooNew(
        f"This station must be upgraded: the central database's schema ({revision}) is newer than this version "
        f"of Returns Desk ({version}) knows. Install Returns Desk {needed or 'of the central database'} or later "
        "on this station. Nothing is lost: changes wait here and are sent after the upgrade.")


def _schema_app_version(conn: Connection) -> str | None:
    try:
        with conn.begin_nested():
            return conn.execute(select(SITE_INFO.c.value).where(SITE_INFO.c.key == "schema_app_version")).scalar()
    except Exception:  # a schema without site_info (or a station role without the right): say it without it
        return None


def claim(conn: Connection, station_id: str, key: str, now: datetime) -> None:
    """Register this station's key with its id, or refuse when another station's key holds the id."""
    row = conn.execute(select(REPORT.c.instance_key, REPORT.c.host, REPORT.c.last_seen)
                       .where(REPORT.c.station_id == station_id)).one_or_none()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(REPORT).values(_new_row(station_id, key, now)))
            return
        except IntegrityError:  # another station took the id at the same moment
            row = conn.execute(select(REPORT.c.instance_key, REPORT.c.host, REPORT.c.last_seen)
                               .where(REPORT.c.station_id == station_id)).one()
    if row.instance_key != key:
        raise StationIdTaken(taken_words(station_id, row.host, row.last_seen))


def taken_words(station_id: str, host: str, last_seen: datetime | None) -> str:
    seen = f"{last_seen.astimezone():%Y-%m-%d %H:%M}" if last_seen else "never"
    where = f" on computer {host}" if host else ""
    return (f"Station id {station_id} is already used by another station{where} (last seen {seen}). Two stations "
            "with one id would print the same LPNs, so this one does not sync; its work waits here. Give this "
            "station its own station_id in station.toml, or, if it replaces that station (re-installed), "
            f"have an admin run `returns-desk stations claim --by BADGE` here (docs/fleet.md).")


def _new_row(station_id: str, key: str, now: datetime) -> dict[str, object]:
    version, build = running_version()
    return {"station_id": station_id, "instance_key": key, "claimed_at": now, "host": _host(), "version": version,
            "build": build, "last_seen": now, "outbox_depth": 0, "set_aside": 0, "print_queue_depth": 0}


def _host() -> str:
    return socket.gethostname()[:120]


def before_round(local: Database, central: Database, station_id: str, min_version: str = "") -> None:
    """The checks that come before any data moves: schema, identity, version (see the module's text)."""
    key = instance_key(local)
    with plain_errors(central), central.engine.begin() as conn:
        check_central_schema(conn)
        claim(conn, station_id, key, datetime.now(UTC))
    version, _ = running_version()
    if older_than(version, min_version):
        error = StationTooOld(
            f"This station must be upgraded: it runs Returns Desk {version} and the site needs {min_version} or "
            "later (min_version in station.toml). It does not sync until then; nothing is lost, its changes "
            "wait here. Ask IT to install the current version.")
        report_round(local, central, station_id, error, "refused")
        raise error


@dataclass(frozen=True)
class LocalFigures:
    """What a station knows about its own queues, reported centrally."""

    outbox_depth: int
    oldest_outbox_at: datetime | None
    set_aside: int
    print_queue_depth: int
    oldest_print_at: datetime | None


def local_figures(conn: Connection) -> LocalFigures:
    outbox = conn.execute(select(func.count(), func.min(OUTBOX.c.created_at)).where(*UNSENT)).one()
    aside = conn.execute(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.set_aside_at.is_not(None)))
    jobs = conn.execute(select(func.count(), func.min(PRINT_JOB.c.created_at))
                        .where(PRINT_JOB.c.status.in_(OPEN_JOBS))).one()
    return LocalFigures(int(outbox[0]), as_utc(outbox[1]), int(aside.scalar_one()), int(jobs[0]), as_utc(jobs[1]))


def report_round(local: Database, central: Database, station_id: str, error: BaseException | None = None,
                 kind: str | None = None) -> bool:
    """Write this station's row after a round (`error`: what stopped it, of `kind` (runner.SyncErrorKind), or
    None). Never raises: a report that cannot be written must not hide the round's own outcome. Only the key
    holder's row is updated."""
    try:
        key = instance_key(local)
        with local.engine.connect() as conn:
            figures = local_figures(conn)
            failing_since = state.read_time(conn, "failing_since") if error is not None else None
        version, build = running_version()
        values = {"host": _host(), "version": version, "build": build, "last_seen": datetime.now(UTC),
                  "outbox_depth": figures.outbox_depth, "oldest_outbox_at": figures.oldest_outbox_at,
                  "set_aside": figures.set_aside, "print_queue_depth": figures.print_queue_depth,
                  "oldest_print_at": figures.oldest_print_at, "failing_since": failing_since,
                  "last_error": str(error)[:ERROR_MAX] if error is not None else None,
                  "last_error_kind": kind if error is not None else None}
        with plain_errors(central), central.engine.begin() as conn:
            done = conn.execute(update(REPORT).where(REPORT.c.station_id == station_id,
                                                     REPORT.c.instance_key == key).values(values))
        return bool(done.rowcount)
    except Exception as exc:
        log.info("station report not written: %s", exc)
        return False


def worth_reporting(error: BaseException) -> bool:
    """After a failed round: report it when the central database answered and this station holds its id."""
    return not isinstance(error, (CentralUnavailable, StationIdTaken, CentralSchemaMismatch, StationTooOld))


@dataclass(frozen=True)
class Claimed:
    station_id: str
    previous_host: str | None  # the computer that held the id until now (None: nobody did)
    previous_seen: datetime | None


def claim_again(local: Database, central: Database, station_id: str) -> Claimed:
    """Give `station_id` to this station (its database's key), taking it from whichever held it. The caller
    checks the role (app/review/cli_stations.py: an admin)."""
    key = instance_key(local)
    now = datetime.now(UTC)
    with plain_errors(central), central.engine.begin() as conn:
        check_central_schema(conn)
        row = conn.execute(select(REPORT.c.host, REPORT.c.last_seen, REPORT.c.instance_key)
                           .where(REPORT.c.station_id == station_id)).one_or_none()
        if row is None:
            conn.execute(insert(REPORT).values(_new_row(station_id, key, now)))
            return Claimed(station_id, None, None)
        conn.execute(update(REPORT).where(REPORT.c.station_id == station_id)
                     .values(instance_key=key, claimed_at=now, host=_host()))
    return Claimed(station_id, row.host, as_utc(row.last_seen))
