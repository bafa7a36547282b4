"""The demo master data: catalog, RMAs and operators from resources/demo, loaded through the real importers.

Graded history is added on top by `app.demo_history`; this module only loads the three CSV files.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import as_file, files

from sqlalchemy import func, select

from app.db.models import Operator, Product, Rma, RmaLine
from app.db.uow import Database
from app.importing import ImportReport, import_catalog, import_operators, import_rmas

DEMO_PACKAGE = "resources.demo"


@dataclass(frozen=True)
class DemoSummary:
    """Totals in the database after loading, and what each import did."""

    products: int
    categories: int
    rmas: int
    rma_lines: int
    operators: int
    reports: tuple[ImportReport, ...]

    def __str__(self) -> str:
        return (
            f"{self.products} products in {self.categories} categories, "
            f"{self.rmas} RMAs ({self.rma_lines} lines), {self.operators} operators"
        )


def load_demo_master_data(db: Database) -> DemoSummary:
    """Import the demo catalog, RMAs and operators (catalog first: RMA lines need its SKUs). Re-runnable."""
    demo = files(DEMO_PACKAGE)
    reports = []
    for name, importer in (
        ("catalog.csv", import_catalog),
        ("rmas.csv", import_rmas),
        ("operators.csv", import_operators),
    ):
        with as_file(demo / name) as path:
            reports.append(importer(db, path))
    with db.unit_of_work() as uow:
        session = uow.session

        def count(what: object) -> int:
            return session.scalar(select(func.count()).select_from(what)) or 0  # type: ignore[arg-type]

        categories = session.scalar(select(func.count(func.distinct(Product.category)))) or 0
        return DemoSummary(
            products=count(Product),
            categories=categories,
            rmas=count(Rma),
            rma_lines=count(RmaLine),
            operators=count(Operator),
            reports=tuple(reports),
        )
