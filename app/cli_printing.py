"""`returns-desk label|slip|print-queue`: render an item's relabel or slip to a file, or send it to a printer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db.models import Container, Operator, PrintJob, Product, ReturnItem
from app.db.uow import Database
from app.domain.status import JobStatus
from app.errors import NotFound, PrintError
from app.printing.documents import LabelDoc, SlipDoc, load
from app.printing.layout import label_stock, slip_stock
from app.printing.render import render_document
from app.printing.setup import PrintSetup, print_setup_from
from app.printing.transports import transport_for
from app.services.context import StationContext
from app.services.desk import Desk
from app.services.print_documents import label_doc, slip_doc
from app.services.print_loop import PrintQueue
from app.sync.modes import track_changes
from app.wiring import station_context


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    setup = print_setup_from(settings)
    if args.command == "print-queue":
        return _queue(args, settings, db)
    kind = args.command
    doc = _document(db, settings, kind, args.lpn)
    if args.printer:
        spec = setup.printer(args.printer)
        payload = render_document(doc, spec.format, *_stocks(setup, args, settings))
        transport_for(spec).send(payload, f"{kind}-{args.lpn}")
        print(f"{kind} {args.lpn} sent to {spec.describe()} ({spec.format}, {len(payload)} bytes)")
        return 0
    output: Path = args.output
    fmt = args.format or {".zpl": "zpl", ".png": "png", ".pdf": "pdf"}.get(output.suffix.lower())
    if fmt is None:
        raise PrintError(f"Say which format to write to {output}: --format zpl, pdf or png (or use that "
                         "file extension).")
    payload = render_document(doc, fmt, *_stocks(setup, args, settings))
    try:
        output.write_bytes(payload)
    except OSError as exc:
        raise PrintError(f"Cannot write {output}: {exc.strerror or exc}.") from None
    print(f"{output}: {kind} {args.lpn} ({fmt}, {len(payload)} bytes)")
    return 0


def _stocks(setup: PrintSetup, args: argparse.Namespace, settings: Settings) -> tuple[Any, Any]:
    size = getattr(args, "size", None) or settings.label_size
    dpi = getattr(args, "dpi", None) or settings.label_dpi
    return label_stock(size, dpi, setup.label.zpl_font), slip_stock(settings.slip_format, dpi, setup.slip.zpl_font)


def _document(db: Database, settings: Settings, kind: str, lpn: str) -> LabelDoc | SlipDoc:
    """The document as queued when the item was finalized (what was decided then); built fresh if none."""
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(ReturnItem).where(ReturnItem.lpn == lpn)).first()
        if row is None:
            raise NotFound(f"No item has the label {lpn}. Check the LPN (e.g. LP-D01-0000042).")
        payload = uow.session.scalars(select(PrintJob.payload).where(PrintJob.item_id == row.id, PrintJob.kind == kind)
                                      .order_by(PrintJob.created_at.desc()).limit(1)).first()
        if payload is not None:
            doc = load(kind, payload)
            assert isinstance(doc, LabelDoc | SlipDoc)
            return doc
        product = uow.session.get(Product, row.product_id) if row.product_id else None
        if kind == "label":
            return label_doc(row, product)
        ctx = _context(settings, row.station_id)
        operator = uow.session.get(Operator, row.operator_id)
        tote = uow.session.get(Container, row.container_id) if row.container_id else None
        return slip_doc(ctx, row, product, operator.name if operator else "", tote)


def _context(settings: Settings, station_id: str) -> StationContext:
    """The station's rules, checklists and printers, as the window builds them (the slip shows the checklist)."""
    return station_context(settings, station_id=station_id)


def _queue(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    track_changes(db, settings)  # in station mode the jobs' progress goes up like the window's
    ctx = _context(settings, settings.station_id)
    queue = PrintQueue(db, ctx)
    if args.run:
        print(f"{queue.process_due()} job(s) processed")
    for job in Desk(db, ctx).print_jobs():
        problem = f"  {job.last_error}" if job.last_error and job.status != JobStatus.DONE else ""
        print(f"{job.created_at:%Y-%m-%d %H:%M} {job.title:<32} {job.printer:<12} {job.status:<9} "
              f"tries {job.attempts}{problem}")
    print(queue.status().text)
    return 0

