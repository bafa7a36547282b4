"""The item card's words: what the product is, its RMA, serial, lot/expiry and flags, decided here once.

"Late" and "serial mismatch" come from the item's flags (set by the service), never recomputed by the view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.conditions import format_money
from app.domain.vocab import CATEGORIES, CLAIMED_REASONS, FLAGS
from app.services.views import ItemView

# Flags that mean "stop and look": shown in red, the others in amber.
SERIOUS_FLAGS = frozenset(
    {"serial_mismatch", "unknown_item", "hazardous", "sku_mismatch", "recalled", "recall_unverified"}
)


@dataclass(frozen=True)
class FlagChip:
    text: str
    serious: bool


@dataclass(frozen=True)
class ItemCard:
    title: str
    subtitle: str
    lines: tuple[str, ...]  # RMA, serial, lot/expiry: only those that say something
    flags: tuple[FlagChip, ...]


def item_card(item: ItemView, today: date) -> ItemCard:
    lines = tuple(text for text in (_rma_text(item, today), _serial_text(item), _lot_expiry_text(item, today)) if text)
    chips = tuple(FlagChip(_flag_text(item, flag), flag in SERIOUS_FLAGS) for flag in item.flags)
    return ItemCard(item.description, _subtitle(item), lines, chips)


def _flag_text(item: ItemView, flag: str) -> str:
    if flag != "recalled":
        return FLAGS.get(flag, flag)
    reference = item.recall_ref
    unsure = "recall_unverified" in item.flags
    text = "RECALLED?" if unsure else "RECALLED"
    return f"{text} {reference}: hold for the recall" if reference else f"{text}: hold for the recall"


def _subtitle(item: ItemView) -> str:
    p = item.product
    if p is None:
        return f"Not in the catalog (scanned {item.scanned_code}) · {CATEGORIES.get(item.category, item.category)}"
    return (f"SKU {p.sku} · GTIN {p.gtin or '—'} · {CATEGORIES.get(p.category, p.category)} · "
            f"{format_money(p.unit_value_cents)} · {p.vendor}")


def _rma_text(item: ItemView, today: date) -> str:
    line = item.rma_line
    if line is None:
        if "sku_mismatch" in item.flags:
            return "This item is not on the scanned RMA."
        return "No RMA: scan the RMA label now if the parcel has one."
    parts = [f"RMA {line.rma_number} line {line.line_no} (order {line.order_number})"]
    if line.claimed_reason:
        parts.append("customer says: " + CLAIMED_REASONS.get(line.claimed_reason, line.claimed_reason))
    if line.order_date is not None:
        late = "  LATE" if "outside_window" in item.flags else ""
        parts.append(f"bought {(today - line.order_date).days} days ago (window {line.return_window_days}){late}")
    return " · ".join(parts)


def _lot_expiry_text(item: ItemView, today: date) -> str:
    """From a GS1 barcode (AI 10 and 17): the lot, and the expiry with how far it is from today."""
    parts = [f"Lot {item.lot}"] if item.lot else []
    if item.expiry is not None:
        days = (item.expiry - today).days
        when = f"EXPIRED {-days} days ago" if days < 0 else f"in {days} days"
        parts.append(f"expires {item.expiry:%d %b %Y} ({when})")
    return " · ".join(parts)


def _serial_text(item: ItemView) -> str:
    expected = item.rma_line.expected_serial if item.rma_line else None
    if item.serial and "serial_mismatch" in item.flags:
        return f"Serial {item.serial} — the RMA expects {expected}"
    if item.serial:
        return f"Serial {item.serial}" + (" ✓ matches the RMA" if expected else "")
    if expected:
        return f"Expected serial {expected}"
    return ""
