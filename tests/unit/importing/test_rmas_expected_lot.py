"""The optional `expected_lot` column of rmas.csv (GS1 lot checks at intake)."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import RmaLine
from app.importing.rmas import RMA_FORMAT, import_rmas
from tests.unit.importing.test_rmas import catalog, rma_row  # noqa: F401 - `catalog` is a fixture

HEADER = list(RMA_FORMAT.columns)


def lots(db) -> dict[int, str | None]:
    with db.unit_of_work() as uow:
        return {line.line_no: line.expected_lot for line in uow.session.scalars(select(RmaLine))}


def test_expected_lot_is_imported_and_updated(catalog, write_csv):  # noqa: F811
    def row(line_no: int, lot: str) -> list[object]:
        values = rma_row(line_no=line_no, sku="JK-1")
        return values + [lot] if len(values) < len(HEADER) else values[:-1] + [lot]

    import_rmas(catalog, write_csv("rmas.csv", HEADER, [row(1, "L2405A"), row(2, "")]))
    assert lots(catalog) == {1: "L2405A", 2: None}
    report = import_rmas(catalog, write_csv("rmas.csv", HEADER, [row(1, "L2406B"), row(2, "")]))
    assert (report.updated, report.unchanged) == (1, 1)
    assert lots(catalog)[1] == "L2406B"


def test_files_without_the_column_still_import(catalog, write_csv):  # noqa: F811
    header = [c for c in HEADER if c != "expected_lot"]
    report = import_rmas(catalog, write_csv("rmas.csv", header, [rma_row(sku="JK-1")[: len(header)]]))
    assert report.inserted == 1 and lots(catalog) == {1: None}
