"""Render a real relabel and disposition slip to docs/screenshots/ (PNG), from a demo item graded on a fresh
database: the label at printer resolution as the station previews it, the slip's PDF rasterized at 203 dpi.

Run: `python scripts/make_label_samples.py` (needs the dev extra for pypdfium2). Open the PNGs and check
that the text fits, nothing overlaps and a phone's barcode app reads the LPN.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db.models import PrintJob, Product, Rma, RmaLine  # noqa: E402
from app.demo import load_demo_master_data  # noqa: E402
from app.demo_history import _plausible_answer  # noqa: E402
from app.domain import checklist as cl  # noqa: E402
from app.printing.documents import load  # noqa: E402
from app.printing.layout import label_page, label_stock, slip_page, slip_stock  # noqa: E402
from app.printing.pdf import render_pdf  # noqa: E402
from app.printing.png import render_image  # noqa: E402
from app.services.context import FixedClock  # noqa: E402
from app.services.intake import template_of  # noqa: E402
from app.wiring import build_station  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def graded_item_jobs(folder: Path) -> dict[str, bytes]:
    # Built as the app builds a station (app/wiring.py), at a fixed time so the samples do not change.
    station = build_station(Settings(db=f"sqlite:///{folder / 'samples.db'}", printers=f"files=file:{folder}"),
                            clock=FixedClock(datetime(2026, 11, 20, 14, 5, tzinfo=UTC)),
                            local_today=lambda: date(2026, 11, 20))
    db, ctx, desk = station.db, station.ctx, station.desk
    load_demo_master_data(db)
    worker = desk.sign_in("B1001", "1111")
    with db.unit_of_work() as uow:  # an electronics item on an RMA, with its serial
        rma, gtin, serial = uow.session.execute(
            select(Rma.rma_number, Product.gtin, RmaLine.expected_serial)
            .join(RmaLine, RmaLine.rma_id == Rma.id).join(Product, Product.sku == RmaLine.sku)
            .where(Product.category == "electronics", RmaLine.expected_serial.is_not(None)).order_by(Rma.id)
        ).first()  # type: ignore[misc]
    rng = random.Random(7)  # plausible answers, as the demo history gives them: mostly fine, some wear
    item = desk.start_intake(worker, desk.classify(gtin), rma)
    item = desk.set_serial(item.id, serial)  # type: ignore[union-attr]
    template = template_of(ctx, item)
    while (question := cl.next_question(template, item.answers)) is not None:
        item = desk.answer(item.id, question.id, _plausible_answer(question, rng))
    item = desk.finalize(worker, item.id)
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(select(PrintJob).where(PrintJob.item_id == item.id))
        jobs = {job.kind: job.payload for job in rows}
    db.dispose()
    return jobs


def main() -> None:
    import pypdfium2 as pdfium

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        jobs = graded_item_jobs(Path(tmp))
    label, slip = load("label", jobs["label"]), load("slip", jobs["slip"])
    render_image(label_page(label, label_stock("2x1", 203))).save(OUT / "06-relabel-2x1-203dpi.png")  # type: ignore[arg-type]
    render_image(label_page(label, label_stock("4x6", 203))).save(OUT / "07-relabel-4x6-203dpi.png")  # type: ignore[arg-type]
    pdf = pdfium.PdfDocument(render_pdf(slip_page(slip, slip_stock("4x6", 203))))  # type: ignore[arg-type]
    pdf[0].render(scale=203 / 72).to_pil().convert("L").save(OUT / "08-disposition-slip-4x6.png")
    pdf.close()
    print(f"wrote {OUT}/06-relabel-2x1-203dpi.png, 07-relabel-4x6-203dpi.png, 08-disposition-slip-4x6.png")


if __name__ == "__main__":
    main()
