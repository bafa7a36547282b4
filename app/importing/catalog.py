"""Import the product catalog (catalog.csv): upsert by SKU, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.db.models import Product, utcnow
from app.db.uow import Database
from app.domain.vocab import CATEGORIES
from app.errors import ImportRowError
from app.importing.csv_reader import (
    CsvFormat,
    CsvRow,
    ImportReport,
    RowErrors,
    changed,
    chunks,
    parse_rows,
    read_csv,
)

CATALOG_FORMAT = CsvFormat(
    columns=(
        "sku",
        "gtin",
        "description",
        "category",
        "unit_value",
        "vendor",
        "vendor_rtv",
        "warranty_days",
        "serialized",
        "hazmat",
        "data_bearing",
        "weight_g",
    ),
    required=frozenset({"sku", "description", "category", "unit_value"}),
)

# Product attributes an import may set; a column left out of the header leaves that attribute as it is.
_FIELDS = (
    "gtin",
    "description",
    "category",
    "unit_value_cents",
    "vendor",
    "vendor_rtv",
    "warranty_days",
    "serialized",
    "hazmat",
    "data_bearing",
    "weight_g",
)


@dataclass
class _Row:
    csv: CsvRow
    sku: str
    fields: dict[str, Any]


def _parse(row: CsvRow) -> _Row:
    sku = row.code("sku", max_len=64)
    fields: dict[str, Any] = {
        "description": row.text("description", max_len=200, required=True),
        "category": row.choice("category", CATEGORIES),
        "unit_value_cents": row.money_cents("unit_value"),
    }
    if row.has("gtin"):
        fields["gtin"] = row.gtin("gtin")
    if row.has("vendor"):
        fields["vendor"] = row.text("vendor", max_len=80)
    for flag in ("vendor_rtv", "serialized", "hazmat", "data_bearing"):
        if row.has(flag):
            fields[flag] = row.boolean(flag)
    if row.has("warranty_days"):
        fields["warranty_days"] = row.integer("warranty_days", default=0, minimum=0, maximum=3650)
    if row.has("weight_g"):
        fields["weight_g"] = row.integer("weight_g", minimum=0, maximum=10_000_000)
    return _Row(row, sku, fields)


def import_catalog(db: Database, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Insert new SKUs, update changed ones, leave equal ones alone (their updated_at too).

    A bad row raises ImportRowError and nothing is written, unless skip_bad: then the good rows are written
    and the bad ones reported in `ImportReport.skipped`.
    """
    csv_file = read_csv(path, CATALOG_FORMAT)
    gtins = _GtinsInFile()
    good, errors = parse_rows(csv_file, _parse, lambda row: row.sku, _duplicate_sku, gtins)
    with db.unit_of_work() as uow:
        existing = _load_by_sku(uow.session, list(good))
        _check_gtin_owners(good, _load_by_gtin(uow.session, list(gtins.rows)), errors)
        skipped = errors.finish(skip_bad)
        plan = _plan(good, existing)
        # GTINs may move between SKUs in one file: free them first so the unique index never sees two holders.
        for rows in (plan.releases, plan.updates):
            if rows:
                uow.session.execute(update(Product), rows)
        if plan.inserts:
            uow.session.execute(insert(Product), plan.inserts)
    return csv_file.report(len(plan.inserts), len(plan.updates), plan.unchanged, skipped)


def _duplicate_sku(row: _Row, first: _Row) -> ImportRowError:
    return row.csv.error("sku", f"sku '{row.sku}' is also on row {first.csv.row}: keep one row per SKU")


class _GtinsInFile:
    """Refuses a row whose GTIN an earlier row of the file already has (in any of its forms)."""

    def __init__(self) -> None:
        self.rows: dict[str, _Row] = {}

    def __call__(self, row: _Row) -> None:
        gtin = row.fields.get("gtin")
        if gtin is None:
            return
        other = self.rows.get(gtin)
        if other is not None:
            raise row.csv.error(
                "gtin",
                f"gtin '{row.csv.raw('gtin')}' is also on row {other.csv.row} (sku '{other.sku}'): "
                "a GTIN belongs to one SKU; fix one of the two rows",
            )
        self.rows[gtin] = row


@dataclass
class _Plan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)  # old GTINs to clear before the updates
    unchanged: int = 0


def _plan(good: dict[str, _Row], existing: dict[str, dict[str, Any]]) -> _Plan:
    plan = _Plan()
    now = utcnow()
    for sku, row in good.items():
        old = existing.get(sku)
        if old is None:
            plan.inserts.append({"sku": sku, **row.fields, "updated_at": now})
        elif changed(old, row.fields):
            plan.updates.append({"id": old["id"], **row.fields, "updated_at": now})
            if "gtin" in row.fields and old["gtin"] is not None and old["gtin"] != row.fields["gtin"]:
                plan.releases.append({"id": old["id"], "gtin": None})
        else:
            plan.unchanged += 1
    return plan


def _load_by_sku(session: Session, skus: list[str]) -> dict[str, dict[str, Any]]:
    columns = [Product.id, Product.sku, *(getattr(Product, name) for name in _FIELDS)]
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(skus):
        for rec in session.execute(select(*columns).where(Product.sku.in_(part))).mappings():
            found[rec["sku"]] = dict(rec)
    return found


def _load_by_gtin(session: Session, gtins: list[str]) -> dict[str, str]:
    """GTIN → SKU of the products that hold one of these GTINs now."""
    found: dict[str, str] = {}
    for part in chunks(gtins):
        for gtin, sku in session.execute(select(Product.gtin, Product.sku).where(Product.gtin.in_(part))):
            if gtin is not None:
                found[gtin] = sku
    return found


def _check_gtin_owners(good: dict[str, _Row], holders: dict[str, str], errors: RowErrors) -> None:
    """A GTIN may only be given to a SKU if no other product keeps it after this import."""
    changed = True
    while changed:  # dropping a bad row can keep its old GTIN in place and so make another row bad
        changed = False
        for sku, row in list(good.items()):
            gtin: str | None = row.fields.get("gtin")
            holder = holders.get(gtin) if gtin is not None else None
            if holder is None or holder == sku:
                continue
            holder_row = good.get(holder)
            if holder_row is not None and "gtin" in holder_row.fields and holder_row.fields["gtin"] != gtin:
                continue  # the holder moves to another GTIN in this same file
            errors.add(
                row.csv.error(
                    "gtin",
                    f"gtin '{row.csv.raw('gtin')}' already belongs to sku '{holder}': "
                    "check the number, or change or clear that product's gtin first",
                )
            )
            del good[sku]
            changed = True
