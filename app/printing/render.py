"""A stored job's document → the bytes its printer takes (ZPL, PDF) or the PNG preview."""

from __future__ import annotations

from app.errors import PrintError
from app.printing.documents import LabelDoc, ManifestDoc, SlipDoc, load
from app.printing.layout import Page, Stock, label_page, label_stock, slip_pages

FORMATS = ("zpl", "pdf", "png")


def pages_of(doc: LabelDoc | SlipDoc, label: Stock, slip: Stock) -> tuple[Page, ...]:
    return (label_page(doc, label),) if isinstance(doc, LabelDoc) else slip_pages(doc, slip)


def render_document(doc: LabelDoc | SlipDoc | ManifestDoc, fmt: str, label: Stock, slip: Stock) -> bytes:
    if fmt not in FORMATS:
        raise PrintError(f"Unknown output format '{fmt}': use zpl, pdf or png.")
    if isinstance(doc, ManifestDoc):
        if fmt != "pdf":
            raise PrintError(f"The manifest of {doc.tote} is a page: send it to a page printer (PDF), not a "
                             "label printer.")
        from app.printing.pdf import render_manifest_pdf

        return render_manifest_pdf(doc)
    pages = pages_of(doc, label, slip)
    if fmt == "zpl":
        from app.printing.zpl import render_zpl

        return render_zpl(*pages)
    if fmt == "pdf":
        from app.printing.pdf import render_pdf

        return render_pdf(*pages)
    from app.printing.png import render_png

    return render_png(*pages)


def render_job(kind: str, payload: bytes, fmt: str, label: Stock, slip: Stock) -> bytes:
    if kind == "tote_label":  # read from across the dock, and a tote code does not fit 2x1 at 2 dots a module
        label = label_stock("4x6", label.dpi, label.zpl_font)
    return render_document(load(kind, payload), fmt, label, slip)
