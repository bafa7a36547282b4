"""RMA import: lines and their RMA, unknown SKUs and reasons, dates, conflicts, re-import, updates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import Rma, RmaLine
from app.db.uow import Database
from app.errors import ImportRowError
from app.importing import import_catalog, import_rmas
from tests.unit.importing.import_helpers import CATALOG_HEADER, RMA_HEADER, WriteCsv, count, product_row


@pytest.fixture
def catalog(idb: Database, write_csv: WriteCsv) -> Database:
    rows = [product_row("PH-1", serialized="yes"), product_row("JK-1"), product_row("KT-1")]
    import_catalog(idb, write_csv("catalog.csv", CATALOG_HEADER, rows))
    return idb


def rma_row(
    number: str = "RMA100001", line_no: object = 1, sku: str = "PH-1", **over: object
) -> list[object]:
    values: dict[str, object] = {
        "rma_number": number,
        "order_number": "SO-4000001",
        "customer_ref": "C100001",
        "order_date": "2026-10-25",
        "return_window_days": "30",
        "line_no": line_no,
        "sku": sku,
        "qty": "1",
        "expected_serial": "SNAB12CD34" if sku == "PH-1" else "",
        "claimed_reason": "defective",
    }
    values.update(over)
    return [values[c] for c in RMA_HEADER]


def snapshot(db: Database) -> dict[tuple[str, int], dict[str, object]]:
    with db.unit_of_work() as uow:
        out = {}
        for rma in uow.session.scalars(select(Rma)):
            for line in rma.lines:
                out[(rma.rma_number, line.line_no)] = {
                    "order_number": rma.order_number,
                    "customer_ref": rma.customer_ref,
                    "order_date": rma.order_date,
                    "window": rma.return_window_days,
                    "rma_updated_at": rma.updated_at,
                    "sku": line.sku,
                    "qty": line.qty,
                    "serial": line.expected_serial,
                    "reason": line.claimed_reason,
                }
        return out


def test_good_import(catalog: Database, write_csv: WriteCsv) -> None:
    rows = [
        rma_row(),
        rma_row(line_no=2, sku="JK-1", claimed_reason="wrong_size", qty="2"),
        rma_row("RMA100002", 1, "KT-1", order_date="", return_window_days="", claimed_reason=""),
    ]
    report = import_rmas(catalog, write_csv("rmas.csv", RMA_HEADER, rows))
    assert (report.inserted, report.updated, report.unchanged, report.skipped) == (3, 0, 0, ())
    assert count(catalog, Rma) == 2 and count(catalog, RmaLine) == 3
    got = snapshot(catalog)
    first = got[("RMA100001", 1)]
    assert first["order_date"] == date(2026, 10, 25) and first["window"] == 30
    assert first["serial"] == "SNAB12CD34" and first["reason"] == "defective"
    assert got[("RMA100001", 2)]["qty"] == 2 and got[("RMA100001", 2)]["serial"] is None
    second = got[("RMA100002", 1)]
    assert second["order_date"] is None and second["window"] == 30 and second["reason"] == ""


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (
            rma_row(line_no=2, sku="NOPE-1"),
            "sku",
            "sku 'NOPE-1' is not in the catalog: import the catalog first",
        ),
        (
            rma_row(line_no=2, claimed_reason="broken"),
            "claimed_reason",
            "use one of changed_mind, wrong_size",
        ),
        (rma_row(line_no=2, order_date="25/10/2026"), "order_date", "form YYYY-MM-DD"),
        (
            rma_row(line_no=2, order_date="2026-02-30"),
            "order_date",
            "2026-02-30 is not a real date (February 2026 has 28 days)",
        ),
        (rma_row(line_no=2, order_date="2026-13-01"), "order_date", "(there is no month 13)"),
        (rma_row(line_no=2, order_number="SO-9"), "order_number", "differs from row 2"),
        (rma_row(line_no=1, sku="JK-1"), "line_no", "line 1 of RMA100001 is also on row 2"),
        (rma_row(line_no="", sku="JK-1"), "line_no", "line_no is empty"),
        (rma_row(line_no=2, qty="0"), "qty", "below 1"),
        (rma_row("RMA 100002"), "rma_number", "contains a space"),
    ],
)
def test_bad_row(catalog: Database, write_csv: WriteCsv, row: list[object], column: str, words: str) -> None:
    path = write_csv("rmas.csv", RMA_HEADER, [rma_row(), row])
    with pytest.raises(ImportRowError) as info:
        import_rmas(catalog, path)
    assert (info.value.file, info.value.row, info.value.column) == ("rmas.csv", 3, column)
    assert words in info.value.problem
    assert count(catalog, Rma) == 0 and count(catalog, RmaLine) == 0


def test_skip_bad(catalog: Database, write_csv: WriteCsv) -> None:
    rows = [rma_row(), rma_row(line_no=2, sku="NOPE"), rma_row("RMA100002", 1, "KT-1", claimed_reason="meh")]
    report = import_rmas(catalog, write_csv("rmas.csv", RMA_HEADER, rows), skip_bad=True)
    assert report.inserted == 1
    assert [(e.row, e.column) for e in report.skipped] == [(3, "sku"), (4, "claimed_reason")]
    assert list(snapshot(catalog)) == [("RMA100001", 1)]


def test_reimport_changes_nothing_and_update_changes_one_line(catalog: Database, write_csv: WriteCsv) -> None:
    rows = [rma_row(), rma_row(line_no=2, sku="JK-1"), rma_row("RMA100002", 1, "KT-1")]
    path = write_csv("rmas.csv", RMA_HEADER, rows)
    import_rmas(catalog, path)
    before = snapshot(catalog)
    again = import_rmas(catalog, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert snapshot(catalog) == before

    rows[1] = rma_row(line_no=2, sku="JK-1", claimed_reason="wrong_size")
    report = import_rmas(catalog, write_csv("rmas2.csv", RMA_HEADER, rows))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    after = snapshot(catalog)
    assert after[("RMA100001", 2)]["reason"] == "wrong_size"
    assert after[("RMA100001", 1)]["reason"] == "defective"
    assert after[("RMA100002", 1)] == before[("RMA100002", 1)]
    assert after[("RMA100001", 1)]["rma_updated_at"] > before[("RMA100001", 1)]["rma_updated_at"]


def test_changed_rma_columns_count_its_lines_as_updated(catalog: Database, write_csv: WriteCsv) -> None:
    import_rmas(catalog, write_csv("a.csv", RMA_HEADER, [rma_row(), rma_row(line_no=2, sku="JK-1")]))
    rows = [rma_row(return_window_days="60"), rma_row(line_no=2, sku="JK-1", return_window_days="60")]
    report = import_rmas(catalog, write_csv("b.csv", RMA_HEADER, rows))
    assert (report.inserted, report.updated, report.unchanged) == (0, 2, 0)
    assert {v["window"] for v in snapshot(catalog).values()} == {60}


def test_new_line_for_existing_rma(catalog: Database, write_csv: WriteCsv) -> None:
    import_rmas(catalog, write_csv("a.csv", RMA_HEADER, [rma_row()]))
    report = import_rmas(catalog, write_csv("b.csv", RMA_HEADER, [rma_row(), rma_row(line_no=2, sku="KT-1")]))
    assert (report.inserted, report.updated, report.unchanged) == (1, 0, 1)
    assert count(catalog, Rma) == 1 and count(catalog, RmaLine) == 2


def test_wrong_header(catalog: Database, write_csv: WriteCsv) -> None:
    path = write_csv("rmas.csv", ["rma", "line_no", "sku"], [["RMA100001", "1", "PH-1"]])
    with pytest.raises(
        ImportRowError, match=r"rmas.csv, row 1: wrong header: missing column\(s\) rma_number"
    ):
        import_rmas(catalog, path)
