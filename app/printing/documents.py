"""What goes on a label, a slip and a manifest: plain data, snapshotted into the print job when the item is
finalized (so a reprint shows what was decided then) and rendered only when it is sent."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from app.errors import PrintError

T = TypeVar("T")


@dataclass(frozen=True)
class LabelDoc:
    """A relabel (LPN) or a tote label. With `gs1_sscc`, `barcode` is an 18-digit SSCC printed as GS1-128 (00)."""

    barcode: str
    title: str  # product short name, or the tote's disposition
    headline: str  # "B · RESTOCK": big, readable from a metre away
    details: str  # "SKU EL-PHN-0001"
    footer: str  # "2026-11-20 · D01"
    gs1_sscc: bool = False


@dataclass(frozen=True)
class SlipDoc:
    """The disposition slip that travels with the item in its tote."""

    lpn: str
    destination: str  # "Bay R1 - back to stock"
    product: str
    sku: str
    grade: str  # "B — very good"
    disposition: str  # "Restock (sell as new)"
    reasons: tuple[str, ...]  # the why: rules that fired, found reasons
    checklist: tuple[str, ...]  # "Screen cracked? No"
    claimed: str  # the customer's reason, or ""
    rma: str
    operator: str
    finished_at: str  # local time, already formatted
    station: str
    tote: str = ""  # the tote code the item goes into


@dataclass(frozen=True)
class ManifestLine:
    lpn: str
    product: str
    grade: str
    value_cents: int
    confirmed: bool  # the tote scan confirmed the item went in


@dataclass(frozen=True)
class ManifestDoc:
    tote: str
    disposition: str
    destination: str
    station: str
    opened_at: str
    closed_at: str
    closed_by: str
    lines: tuple[ManifestLine, ...]

    @property
    def value_cents(self) -> int:
        return sum(line.value_cents for line in self.lines)


DOCUMENTS: dict[str, type[Any]] = {"label": LabelDoc, "tote_label": LabelDoc, "slip": SlipDoc,
                                   "manifest": ManifestDoc}


def dump(doc: LabelDoc | SlipDoc | ManifestDoc) -> bytes:
    return json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode("utf-8")


def load(kind: str, payload: bytes) -> LabelDoc | SlipDoc | ManifestDoc:
    cls = DOCUMENTS.get(kind)
    if cls is None:
        raise PrintError(f"Unknown print job kind '{kind}'.")
    try:
        data = json.loads(payload.decode("utf-8"))
        return _build(cls, data)
    except (ValueError, TypeError, KeyError) as exc:
        raise PrintError(f"A stored {kind} print job is damaged ({exc}); reprint it from the item.") from None


def _build(cls: type[T], data: dict[str, Any]) -> T:
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "lines" and cls is ManifestDoc:
            value = tuple(_build(ManifestLine, line) for line in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)
