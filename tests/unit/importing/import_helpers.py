"""Helpers of the import tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from app.db.models import Base
from app.db.uow import Database

CATALOG_HEADER = (
    "sku,gtin,description,category,unit_value,vendor,vendor_rtv,warranty_days,serialized,hazmat,data_bearing,weight_g"
).split(",")
WriteCsv = Callable[..., Path]

RMA_HEADER = (
    "rma_number,order_number,customer_ref,order_date,return_window_days,line_no,sku,qty,expected_serial,claimed_reason"
).split(",")


def count(db: Database, model: type[Base]) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def product_row(sku: str, gtin: str = "", **over: object) -> list[object]:
    values: dict[str, object] = {
        "sku": sku,
        "gtin": gtin,
        "description": f"Product {sku}",
        "category": "general",
        "unit_value": "10.00",
        "vendor": "Acme",
        "vendor_rtv": "no",
        "warranty_days": "0",
        "serialized": "no",
        "hazmat": "no",
        "data_bearing": "no",
        "weight_g": "",
    }
    values.update(over)
    return [values[col] for col in CATALOG_HEADER]
