"""Helpers for the printing tests: a finished item (final, with its print jobs) and rasterize + decode."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageFilter
from sqlalchemy import select

from app.db.models import PrintJob
from app.db.uow import Database
from app.printing.setup import print_setup
from app.services.desk import Desk
from app.services.views import ItemView, OperatorView
from tests.helpers import answer_all, rma_line_plain


def use_printers(desk: Desk, folder: Path, printers: str = "", label: str = "files", slip: str = "files",
                 **stock: str | int) -> None:
    spec = f"files=file:{folder}, spare=file:{folder / 'spare'}" + (f", {printers}" if printers else "")
    desk.ctx.printing = print_setup(spec, label, slip, **stock)  # type: ignore[arg-type]


def finish_item(desk: Desk, operator: OperatorView, pick: int = 1, with_rma: bool = False,
                gtin: str | None = None) -> ItemView:
    """A final item; without an RMA the same demo product can be finished again and again."""
    rma, plain_gtin = rma_line_plain(desk.db)
    item = desk.start_intake(operator, desk.classify(gtin or plain_gtin), rma if with_rma else None)
    assert not isinstance(item, type(None))
    item = answer_all(desk, item, pick)  # type: ignore[arg-type]
    return desk.finalize(operator, item.id)


def jobs(db: Database, items_only: bool = True) -> list[PrintJob]:
    """The print jobs, oldest first; by default only items' (label, slip), not tote labels or manifests."""
    with db.unit_of_work() as uow:
        query = select(PrintJob).order_by(PrintJob.created_at, PrintJob.kind)
        if items_only:
            query = query.where(PrintJob.item_id.is_not(None))
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def rasterize_pdf(pdf: bytes, dpi: int = 203) -> Image.Image:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def decode(image: Image.Image) -> list[str]:
    """What a scanner would read: after a slight blur for the ink spread of a thermal print."""
    import zxingcpp

    blurred = image.convert("L").filter(ImageFilter.GaussianBlur(0.8))
    return [r.text for r in zxingcpp.read_barcodes(blurred, formats=zxingcpp.BarcodeFormat.Code128)]


def decode_png(png: bytes) -> list[str]:
    return decode(Image.open(io.BytesIO(png)))
