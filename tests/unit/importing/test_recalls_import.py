"""Recall import: ranges checked, all-or-nothing unless --skip-bad, re-import changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Recall
from app.db.uow import Database
from app.errors import ImportRowError
from app.importing.recalls import RECALLS_FORMAT, import_recalls
from tests.unit.importing.import_helpers import WriteCsv, count

HEADER = list(RECALLS_FORMAT.columns)
EAN = "4006381333931"  # a valid EAN-13, stored as GTIN-14


def recalls(db: Database) -> list[Recall]:
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(Recall).order_by(Recall.id)))
        uow.session.expunge_all()
        return rows


def test_rows_are_stored_with_normalised_gtins_and_reimport_is_a_no_op(idb: Database, write_csv: WriteCsv) -> None:
    rows = [
        ["CPSC 27-014", EAN, "L2405A", "L2410Z", "", "", "Heater may overheat", ""],
        ["CPSC 27-014", EAN, "", "", "SN-00990", "SN-01100", "Heater may overheat", "yes"],
        ["RC-9", EAN, "", "", "", "", "Whole product", "no"],
    ]
    path = write_csv("recalls.csv", HEADER, rows)
    report = import_recalls(idb, path)
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    stored = recalls(idb)
    assert [r.gtin for r in stored] == ["0" + EAN] * 3
    assert (stored[0].lot_from, stored[0].lot_to, stored[0].serial_from) == ("L2405A", "L2410Z", None)
    assert stored[0].active and not stored[2].active
    again = import_recalls(idb, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_a_changed_end_or_active_updates_the_same_row(idb: Database, write_csv: WriteCsv) -> None:
    import_recalls(idb, write_csv("a.csv", HEADER, [["R1", EAN, "L1", "L5", "", "", "", ""]]))
    report = import_recalls(idb, write_csv("b.csv", HEADER, [["R1", EAN, "L1", "L9", "", "", "", "no"]]))
    assert (report.inserted, report.updated) == (0, 1)
    (row,) = recalls(idb)
    assert row.lot_to == "L9" and row.active is False


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["R1", EAN, "L9", "L1", "", "", "", ""], "lot_to", "swap them"),
        (["R1", EAN, "", "L1", "", "", "", ""], "lot_from", "fill in lot_from"),
        (["R1", "4006381333932", "", "", "", "", "", ""], "gtin", "check digit"),
        (["R1", "", "", "", "", "", "", ""], "gtin", "gtin is empty"),
        (["", EAN, "", "", "", "", "", ""], "reference", "reference is empty"),
        (["R1", EAN, "L 1", "", "", "", "", ""], "lot_from", "space"),
    ],
)
def test_a_bad_row_writes_nothing_and_says_where(
    idb: Database, write_csv: WriteCsv, row: list[str], column: str, words: str
) -> None:
    good = ["R0", EAN, "", "", "", "", "", ""]
    with pytest.raises(ImportRowError) as err:
        import_recalls(idb, write_csv("recalls.csv", HEADER, [good, row]))
    assert err.value.row == 3 and err.value.column == column
    assert words in str(err.value)
    assert count(idb, Recall) == 0


def test_skip_bad_writes_the_good_rows(idb: Database, write_csv: WriteCsv) -> None:
    rows = [["R1", EAN, "L9", "L1", "", "", "", ""], ["R2", EAN, "L1", "L2", "", "", "", ""]]
    report = import_recalls(idb, write_csv("recalls.csv", HEADER, rows), skip_bad=True)
    assert report.inserted == 1 and len(report.skipped) == 1 and report.skipped[0].row == 2
    assert [r.reference for r in recalls(idb)] == ["R2"]


def test_the_same_range_twice_is_refused(idb: Database, write_csv: WriteCsv) -> None:
    rows = [["R1", EAN, "L1", "L2", "", "", "", ""], ["R1", "0" + EAN, "L1", "L3", "", "", "", ""]]
    with pytest.raises(ImportRowError, match="also on row 2"):
        import_recalls(idb, write_csv("recalls.csv", HEADER, rows))
