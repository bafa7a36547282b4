"""SQLAlchemy 2 typed models of the core tables (see DESIGN.md, "Data model").

Money is stored in cents (integers) so totals add up exactly on every engine. Times are UTC.
GTINs are stored normalised to 14 digits so an EAN-13, a UPC-A and a GTIN-14 of the same item match.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import true as sa_true
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.domain.status import ContainerStatus, ItemStatus, JobStatus

# Stable constraint names: Alembic batch mode on SQLite and the other engines need them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# MariaDB/MySQL DATETIME drops fractions of a second unless asked (pull cursors and ordering need them);
# BLOB there stops at 64 KB, too small for a PDF slip.
PRECISE_DATETIME = DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
BIG_BINARY = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite forgets the zone)."""

    impl = PRECISE_DATETIME
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # MariaDB/MySQL DATETIME has no zone: store naive UTC there and on SQLite.
        return value.replace(tzinfo=None) if dialect.name in ("sqlite", "mysql", "mariadb") else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_utc(value: Any) -> datetime | None:
    """A time read past the column type (aggregates, Core rows): SQLite gives text, MariaDB naive datetimes,
    both UTC; aware values are converted. None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    unit_value_cents: Mapped[int] = mapped_column(Integer, default=0)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    vendor: Mapped[str] = mapped_column(String(80), default="")
    # Vendor takes defective units back for credit (return to vendor).
    vendor_rtv: Mapped[bool] = mapped_column(Boolean, default=False)
    warranty_days: Mapped[int] = mapped_column(Integer, default=0)
    serialized: Mapped[bool] = mapped_column(Boolean, default=False)
    hazmat: Mapped[bool] = mapped_column(Boolean, default=False)
    data_bearing: Mapped[bool] = mapped_column(Boolean, default=False)
    # Indexed: stations pull the catalog as deltas ordered by it.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class Rma(Base):
    __tablename__ = "rma"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_number: Mapped[str] = mapped_column(String(40), unique=True)
    order_number: Mapped[str] = mapped_column(String(40), default="")
    customer_ref: Mapped[str] = mapped_column(String(80), default="")
    order_date: Mapped[date | None] = mapped_column(Date)
    return_window_days: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list[RmaLine]] = relationship(back_populates="rma", order_by="RmaLine.line_no")


class RmaLine(Base):
    __tablename__ = "rma_line"
    __table_args__ = (UniqueConstraint("rma_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rma.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    qty: Mapped[int] = mapped_column(Integer, default=1)
    expected_serial: Mapped[str | None] = mapped_column(String(64), index=True)
    expected_lot: Mapped[str | None] = mapped_column(String(40))
    claimed_reason: Mapped[str] = mapped_column(String(40), default="")

    rma: Mapped[Rma] = relationship(back_populates="lines")


class Operator(Base):
    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))  # worker | supervisor | admin
    # scrypt hash in a self-describing string; NULL until the operator sets a PIN at first sign-in.
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong PINs in a row; the fifth locks the badge until locked_until (issue 10).
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StationCounter(Base):
    """The next LPN sequence number of one station, bumped in the finalize transaction."""

    __tablename__ = "station_counter"

    station_id: Mapped[str] = mapped_column(String(6), primary_key=True)
    next_lpn: Mapped[int] = mapped_column(Integer, default=1)


class ReturnItem(Base):
    """One graded unit. A draft while the checklist is open; final once confirmed; voided with a reason."""

    __tablename__ = "return_item"
    __table_args__ = (
        Index("ix_return_item_station_status", "station_id", "status"),
        Index("ix_return_item_finalized_at", "finalized_at"),
        Index("ix_return_item_exception", "exception_cause", "exception_resolved_at"),
        Index("ix_return_item_station_finalized", "station_id", "finalized_at"),
        Index("ix_return_item_operator_finalized", "operator_id", "finalized_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    lpn: Mapped[str | None] = mapped_column(String(32), unique=True)
    station_id: Mapped[str] = mapped_column(String(6))
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"))
    scanned_code: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    rma_line_id: Mapped[int | None] = mapped_column(ForeignKey("rma_line.id"), index=True)
    # The RMA scanned with the item, kept even when the item is not on it (wrong item returned).
    rma_number: Mapped[str | None] = mapped_column(String(40), index=True)
    # Captured by the worker when the barcode is not in the catalog.
    unknown_description: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    serial: Mapped[str | None] = mapped_column(String(64), index=True)
    lot: Mapped[str | None] = mapped_column(String(40))
    expiry: Mapped[date | None] = mapped_column(Date)
    checklist_id: Mapped[str] = mapped_column(String(40))
    checklist_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    answer_order: Mapped[list[Any]] = mapped_column(default=list)
    # Questions answered by "nothing else wrong" (one key), so a re-audit can tell them from asked ones.
    auto_answered: Mapped[list[Any] | None] = mapped_column(default=list)
    claimed_reason: Mapped[str] = mapped_column(String(40), default="")
    found_reasons: Mapped[list[Any]] = mapped_column(default=list)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    grade: Mapped[str | None] = mapped_column(String(10))
    disposition: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    # The rules that decided grade and disposition: [{"id": ..., "why": ...}, ...]
    grade_rules: Mapped[list[Any]] = mapped_column(default=list)
    disposition_rules: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(10), default=ItemStatus.DRAFT)  # ItemStatus
    # The tote the item was dropped into, confirmed by scanning the tote's barcode (issue 4).
    container_id: Mapped[int | None] = mapped_column(ForeignKey("container.id"), index=True)
    tote_confirmed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column()
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Held for a person (app/review/exceptions.py ExceptionCause), set at finalize; resolved by a supervisor.
    exception_cause: Mapped[str | None] = mapped_column(String(30))
    exception_resolved_at: Mapped[datetime | None] = mapped_column()
    exception_resolved_by: Mapped[int | None] = mapped_column(Integer)
    # The latest supervisor override: {"grade", "disposition", "reason", "note", "by", "approved_by", "at",
    # "original": {"grade", "disposition"}}; the rules' own decision stays in grade_rules/disposition_rules.
    override: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recall_ref: Mapped[str | None] = mapped_column(String(60))  # the recall notice this unit matched


class AuditEvent(Base):
    """Append-only: who did what to which item, when, with the state before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    station_id: Mapped[str] = mapped_column(String(6))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    action: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Container(Base):
    """A tote (or bay) for one disposition at one station; open until closed with a manifest."""

    __tablename__ = "container"
    __table_args__ = (Index("ix_container_station_disposition_status", "station_id", "disposition", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # the barcode on the tote
    station_id: Mapped[str] = mapped_column(String(6))
    disposition: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=ContainerStatus.OPEN)  # ContainerStatus
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))


class PrintJob(Base):
    """A persisted print job: written in the finalize transaction, so a crash loses none."""

    __tablename__ = "print_job"
    __table_args__ = (Index("ix_print_job_status_next", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    station_id: Mapped[str] = mapped_column(String(6))
    item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("container.id"))
    kind: Mapped[str] = mapped_column(String(20))  # label | slip | manifest | sheet
    printer: Mapped[str] = mapped_column(String(80))  # a printer name from the station settings
    format: Mapped[str] = mapped_column(String(10))  # zpl | pdf | png
    payload: Mapped[bytes] = mapped_column(BIG_BINARY)
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.QUEUED)  # JobStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was reprinted
    created_by: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column()


class OutboxEntry(Base):
    """A change waiting to be pushed to the central database, written in the same local transaction."""

    __tablename__ = "outbox"
    # The last change of one record tells the next one which central version it was based on.
    __table_args__ = (Index("ix_outbox_entity_key", "entity", "entity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(30))  # return_item | audit_event | print_job | container
    entity_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Refused for good by the central database (a duplicate, a missing reference): no longer pushed; IT decides.
    set_aside_at: Mapped[datetime | None] = mapped_column()


class SyncState(Base):
    """Small key/value state of sync: pull cursors per table, last push/pull times, last error."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncApplied(Base):
    """Central side: every station change already applied, by its change id, so a replayed push is harmless."""

    __tablename__ = "sync_applied"
    __table_args__ = (Index("ix_sync_applied_station_applied", "station_id", "applied_at"),)

    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    station_id: Mapped[str] = mapped_column(String(6))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncConflict(Base):
    """A local change that met a different central change of the same record; resolved by a documented rule."""

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_key: Mapped[str] = mapped_column(String(64), index=True)
    station_id: Mapped[str] = mapped_column(String(6), default="")
    local: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    central: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    resolution: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteFile(Base):
    """A site rules or checklist file (TOML), published centrally and pulled by every station."""

    __tablename__ = "site_file"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # rules | checklists
    name: Mapped[str] = mapped_column(String(80))  # the file name, e.g. disposition.toml
    content: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Recall(Base):
    """A recall notice: a GTIN with optional lot or serial ranges; matching units are quarantined."""

    __tablename__ = "recall"

    id: Mapped[int] = mapped_column(primary_key=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    lot_from: Mapped[str | None] = mapped_column(String(40))
    lot_to: Mapped[str | None] = mapped_column(String(40))
    serial_from: Mapped[str | None] = mapped_column(String(64))
    serial_to: Mapped[str | None] = mapped_column(String(64))
    notice: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(40), default="", server_default="")  # e.g. CPSC 27-014
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StationReport(Base):
    """The fleet view (issue 11, docs/fleet.md): one row per station in the central database, written by every
    sync round. `instance_key` is the station's claim on its id: a random key kept in its own database, so a
    second station starting with the same id is refused (it would make the same LPNs)."""

    __tablename__ = "station_report"

    station_id: Mapped[str] = mapped_column(String(6), primary_key=True)
    instance_key: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    host: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[str] = mapped_column(String(40), default="")
    build: Mapped[str] = mapped_column(String(40), default="")
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)  # the station's clock (doctor checks its skew)
    outbox_depth: Mapped[int] = mapped_column(Integer, default=0)
    oldest_outbox_at: Mapped[datetime | None] = mapped_column()
    set_aside: Mapped[int] = mapped_column(Integer, default=0)
    print_queue_depth: Mapped[int] = mapped_column(Integer, default=0)
    oldest_print_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(20))
    failing_since: Mapped[datetime | None] = mapped_column()


class SiteInfo(Base):
    """Facts about the central database itself: `schema_app_version`, the oldest Returns Desk version that
    knows its schema, which a station too old for it names when it refuses to sync."""

    __tablename__ = "site_info"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
