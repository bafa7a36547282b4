"""The words of the domain (DOMAIN.md): grades, dispositions, reasons, flags, categories, roles.

Values are the stable codes stored in the database and used in rules files; labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    SALVAGE = "Salvage"


GRADE_LABELS = {
    Grade.A: "A — like new",
    Grade.B: "B — very good",
    Grade.C: "C — good",
    Grade.D: "D — for parts or repair",
    Grade.SALVAGE: "Salvage — not repairable",
}

GRADE_ORDER = [Grade.A, Grade.B, Grade.C, Grade.D, Grade.SALVAGE]


class Disposition(StrEnum):
    RESTOCK = "restock"
    OPEN_BOX = "open_box"
    REFURBISH = "refurbish"
    REPAIR = "repair"
    RETURN_TO_VENDOR = "rtv"
    LIQUIDATE = "liquidate"
    RECYCLE = "recycle"
    DESTROY = "destroy"
    QUARANTINE = "quarantine"


DISPOSITION_LABELS = {
    Disposition.RESTOCK: "Restock (sell as new)",
    Disposition.OPEN_BOX: "Open box (resell as used)",
    Disposition.REFURBISH: "Refurbish",
    Disposition.REPAIR: "Repair",
    Disposition.RETURN_TO_VENDOR: "Return to vendor",
    Disposition.LIQUIDATE: "Liquidate",
    Disposition.RECYCLE: "Recycle",
    Disposition.DESTROY: "Destroy (chain of custody)",
    Disposition.QUARANTINE: "Quarantine (hold)",
}

# What the customer said when the return was authorised.
CLAIMED_REASONS = {
    "changed_mind": "Changed mind / no longer needed",
    "wrong_size": "Wrong size or fit",
    "not_as_described": "Not as described",
    "arrived_damaged": "Arrived damaged",
    "defective": "Defective / doesn't work",
    "wrong_item_sent": "Wrong item sent",
    "missing_parts": "Missing parts",
    "late_delivery": "Late delivery",
    "better_price": "Better price elsewhere",
}

# What the inspector found (set by checklist answers and by the intake checks).
FOUND_REASONS = {
    "no_fault_found": "No fault found",
    "defective": "Defective (does not work)",
    "cosmetic_damage": "Cosmetic damage",
    "carrier_damage": "Damaged in transit (carrier)",
    "customer_damage": "Customer damage",
    "missing_accessories": "Missing accessories or parts",
    "wrong_item_returned": "Wrong item returned",
    "used_worn": "Used or worn",
    "serial_mismatch": "Serial number does not match the RMA",
    "recalled": "Recalled item",
    "hazardous": "Hazardous (battery, leak)",
    "data_bearing": "Holds customer data",
}

# Facts about the intake that rules can route on.
FLAGS = {
    "unknown_item": "Barcode not in the catalog",
    "no_rma": "No RMA found",
    "serial_mismatch": "Scanned serial differs from the RMA",
    "outside_window": "Returned after the return window",
    "hazardous": "Hazardous item",
    "data_bearing": "Data-bearing device",
    "sealed": "Factory sealed",
    "sku_mismatch": "Item differs from the RMA line",
    "lot_mismatch": "Scanned lot differs from the RMA",  # GS1 AI 10 vs rma_line.expected_lot
    "expired": "Past its expiry date",  # GS1 AI 17 before today
    "worker_flagged": "Flagged for a supervisor",  # F7 at the station (app/review/flags.py)
    "recalled": "RECALLED",  # an active recall notice covers this unit (app/domain/recalls.py)
    # The notice limits by lot or serial and this unit's is not known yet: held like a recalled one.
    "recall_unverified": "Lot or serial not known: check it against the recall",
}

CATEGORIES = {
    "electronics": "Electronics",
    "apparel": "Apparel",
    "small_appliances": "Small appliances",
    "general": "General merchandise",
}


class Role(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


VOID_REASONS = {
    "wrong_item_scanned": "Scanned the wrong item",
    "wrong_answer": "Answered a question wrong",
    "label_damaged": "Label damaged, item will be regraded",
    "other": "Other",
}


def disposition_label(code: str | None) -> str:
    """The words for a stored disposition code (the code itself if it is not one we know)."""
    if code is None:
        return "—"
    try:
        return DISPOSITION_LABELS[Disposition(code)]
    except ValueError:
        return code
