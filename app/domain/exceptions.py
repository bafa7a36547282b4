"""Why an item is held for a person (the exceptions queue): one typed cause per item, decided at finalize.

Pure: from the item's flags, found reasons and the disposition rules that fired. The first cause in
`PRIORITY` that holds wins, so a recalled unit with a serial mismatch is listed once, as recalled (the
stricter handling).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class ExceptionCause(StrEnum):
    UNKNOWN_ITEM = "unknown_item"
    SERIAL_MISMATCH = "serial_mismatch"
    LOT_MISMATCH = "lot_mismatch"
    NO_RMA_HIGH_VALUE = "no_rma_high_value"
    RECALLED = "recalled"
    HAZARDOUS = "hazardous"
    EXPIRED = "expired"
    NO_RULE = "no_rule"
    WORKER_FLAGGED = "worker_flagged"
    WRONG_ITEM = "wrong_item"  # not what was sold on the RMA: quarantined by the rule "wrong_item"


CAUSE_LABELS: dict[ExceptionCause, str] = {
    ExceptionCause.UNKNOWN_ITEM: "Unknown item (barcode not in the catalog)",
    ExceptionCause.SERIAL_MISMATCH: "Serial number differs from the RMA",
    ExceptionCause.LOT_MISMATCH: "Lot differs from the RMA",
    ExceptionCause.NO_RMA_HIGH_VALUE: "No RMA, above the value threshold",
    ExceptionCause.RECALLED: "Recalled unit",
    ExceptionCause.HAZARDOUS: "Hazardous (battery, leak)",
    ExceptionCause.EXPIRED: "Past its expiry date",
    ExceptionCause.NO_RULE: "No rule matched: supervisor decides",
    ExceptionCause.WORKER_FLAGGED: "Flagged by the worker",
    ExceptionCause.WRONG_ITEM: "Wrong item returned (not the RMA's)",
}

# The flag a worker sets to hold an item for a supervisor (a checklist option with flags = ["worker_flagged"]).
WORKER_FLAG = "worker_flagged"
# The disposition rule that quarantines a no-RMA item above the site's value (resources/rules/disposition.toml).
NO_RMA_RULE = "no_rma_valuable"
WRONG_ITEM_RULE = "wrong_item"
DEFAULT_RULE = "default"

PRIORITY: tuple[ExceptionCause, ...] = (
    ExceptionCause.RECALLED,
    ExceptionCause.HAZARDOUS,
    ExceptionCause.SERIAL_MISMATCH,
    ExceptionCause.UNKNOWN_ITEM,
    ExceptionCause.WRONG_ITEM,
    ExceptionCause.LOT_MISMATCH,
    ExceptionCause.NO_RMA_HIGH_VALUE,
    ExceptionCause.EXPIRED,
    ExceptionCause.WORKER_FLAGGED,
    ExceptionCause.NO_RULE,
)


def exception_cause(
    flags: Iterable[str],
    found_reasons: Iterable[str],
    disposition_rule_ids: Iterable[str],
    disposition: str | None,
    default_rule_id: str = DEFAULT_RULE,
) -> ExceptionCause | None:
    """The item's cause to be held for a person, or None when it can go its way. `default_rule_id` is the id
    of the last (catch-all) disposition rule: when it decided, no rule matched and a supervisor decides."""
    facts = set(flags) | set(found_reasons)
    rules = set(disposition_rule_ids)
    holds = {
        ExceptionCause.RECALLED: "recalled" in facts,
        ExceptionCause.HAZARDOUS: "hazardous" in facts,
        ExceptionCause.SERIAL_MISMATCH: "serial_mismatch" in facts,
        ExceptionCause.UNKNOWN_ITEM: "unknown_item" in facts,
        # A wrong item is held only when the rules held it (a site may route it elsewhere on purpose).
        ExceptionCause.WRONG_ITEM: WRONG_ITEM_RULE in rules and disposition == "quarantine",
        ExceptionCause.LOT_MISMATCH: "lot_mismatch" in facts,
        # No RMA is normal for cheap items; only the rule's value threshold makes it an exception.
        ExceptionCause.NO_RMA_HIGH_VALUE: "no_rma" in facts and (NO_RMA_RULE in rules or disposition == "quarantine"),
        ExceptionCause.EXPIRED: "expired" in facts,
        ExceptionCause.WORKER_FLAGGED: WORKER_FLAG in facts,
        ExceptionCause.NO_RULE: default_rule_id in rules,
    }
    return next((cause for cause in PRIORITY if holds[cause]), None)


def cause_label(code: str | None) -> str:
    """Words for a stored cause code (the code itself if this version does not know it)."""
    if code is None:
        return ""
    try:
        return CAUSE_LABELS[ExceptionCause(code)]
    except ValueError:
        return code


class Resolution(StrEnum):
    """What a supervisor can do with a held item (app/review/resolutions.py)."""

    IDENTIFY = "identify"  # an unknown item: pick its SKU, the rules run again
    AUTHORISE = "authorise"  # no RMA: accept the return without one, the rules run again
    ACCEPT = "accept"  # a serial/lot mismatch, a wrong item, a worker's flag: accepted with a note
    SEND = "send"  # to return-to-vendor or destroy
    RELEASE = "release"  # out of quarantine, to a disposition the supervisor picks


RESOLUTION_LABELS: dict[Resolution, str] = {
    Resolution.IDENTIFY: "Identify (pick the SKU)",
    Resolution.AUTHORISE: "Authorise without an RMA",
    Resolution.ACCEPT: "Accept as it is (with a note)",
    Resolution.SEND: "Send to RTV or destroy",
    Resolution.RELEASE: "Release from quarantine to a disposition",
}

# Dispositions `send` may pick; recalled units may only go there (they must never be restocked).
SEND_TO = ("rtv", "destroy")

RESOLUTIONS: dict[ExceptionCause, tuple[Resolution, ...]] = {
    ExceptionCause.UNKNOWN_ITEM: (Resolution.IDENTIFY, Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.SERIAL_MISMATCH: (Resolution.ACCEPT, Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.LOT_MISMATCH: (Resolution.ACCEPT, Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.WRONG_ITEM: (Resolution.ACCEPT, Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.NO_RMA_HIGH_VALUE: (Resolution.AUTHORISE, Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.RECALLED: (Resolution.SEND,),
    ExceptionCause.HAZARDOUS: (Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.EXPIRED: (Resolution.SEND, Resolution.RELEASE),
    ExceptionCause.NO_RULE: (Resolution.RELEASE, Resolution.SEND),
    ExceptionCause.WORKER_FLAGGED: (Resolution.ACCEPT, Resolution.SEND, Resolution.RELEASE),
}


def resolutions_for(code: str | None) -> tuple[Resolution, ...]:
    try:
        return RESOLUTIONS[ExceptionCause(code)] if code else ()
    except ValueError:  # a cause from a newer version: a supervisor can still release or send it
        return (Resolution.RELEASE, Resolution.SEND)
