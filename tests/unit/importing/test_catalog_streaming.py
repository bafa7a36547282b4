"""The streamed catalog import: fast checks agree with the full ones, memory stays flat, rows across batches
are still compared with the whole file, all or nothing, and the same on the central engines."""

from __future__ import annotations

import itertools
import random
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from app.db import migrate
from app.db.models import Product
from app.db.uow import Database
from app.domain.codes import check_digit
from app.errors import ImportRowError
from app.importing import catalog, import_catalog
from app.importing.csv_reader import CsvStream
from tests.integration.servers import throwaway_database
from tests.unit.importing.import_helpers import CATALOG_HEADER, WriteCsv, count, product_row

# Values of each column, usual and unusual: what a spreadsheet, a hand or another script writes.
VALUES = {
    "sku": ["A-1", "ab_2", "Ä-3", "A 4", "A\u00a05", "x" * 64, "x" * 65, "", "١٢", "=1+1", "A\u200b6"],
    "gtin": ["", "4006381333931", "04006381333931", "4006381333932", "96385074", "036000291452",
             "36000291452", "4.00638E+12", "٤٠٠٦٣٨١٣٣٣٩٣١", "12345670", "0000000000000"],
    "description": ["Mug", "", "x" * 200, "x" * 201, "Crème\u00a0brûlée", "Tab\there", "^XA~JA", "é" * 3],
    "category": ["general", "GENERAL", "Electronics", "", "food", "apparel "],
    "unit_value": ["0", "1", "1.5", "1,50", "129.99", "9999999.99", "10000000", "1.999", "-1", "", "1e3",
                   "١٢", "007.10", "+5"],
    "vendor": ["", "Acme", "x" * 80, "x" * 81, "Ac\u00a0me"],
    "vendor_rtv": ["", "yes", "YES", "Y", "t", "0", "No", "maybe", "oui"],
    "warranty_days": ["", "0", "365", "3650", "3651", "-1", "+5", "007", "1.5", "x", "٣"],
    "serialized": ["", "no", "true", "F"],
    "hazmat": ["", "1", "n"],
    "data_bearing": ["", "FALSE", "yes"],
    "weight_g": ["", "0", "10000000", "10000001", "12", "-3", "+4", "0012", "1 000"],
}


def _full(stream: CsvStream, record: tuple[int, list[str]]) -> tuple[object, ...] | ImportRowError:
    try:
        return catalog._staging_row(catalog._parse(stream.row_of(*record)))
    except ImportRowError as exc:
        return exc


@pytest.mark.parametrize("header", [CATALOG_HEADER, ["sku", "description", "category", "unit_value", "hazmat"]])
def test_fast_checks_accept_only_what_the_full_checks_accept_and_give_the_same_values(
    write_csv: WriteCsv, header: list[str]
) -> None:
    rng = random.Random(12)
    rows = [[rng.choice(VALUES[column]) for column in header] for _ in range(3000)]
    rows += [[VALUES[column][0] for column in header]]  # one plain row, so both verdicts are seen
    path = write_csv("c.csv", header, rows)
    with catalog.open_csv(path, catalog.CATALOG_FORMAT) as stream:
        records = [r for r in stream.records() if not isinstance(r, ImportRowError)]
        fast, unusual = catalog._FastRows(stream.columns)(records)
        full = {record[0]: _full(stream, record) for record in records}
    assert fast and unusual, "the corpus has rows of both kinds"
    for row in fast:
        assert full[row[0]] == row  # never accepts a row the full checks refuse, never another value
    assert {record[0] for record in unusual} | {row[0] for row in fast} == set(full)


def test_gtin_check_digit_is_the_domain_one() -> None:
    rng = random.Random(3)
    for _ in range(20_000):
        payload = "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 11, 12, 13))))
        good = payload + check_digit(payload)
        assert catalog._gtin(good) == good.zfill(14)
        wrong = payload + str((int(good[-1]) + 1) % 10)
        assert catalog._gtin(wrong) is catalog._BAD


def _big_file(write_csv: WriteCsv, rows: int, name: str = "big.csv") -> Path:
    body = []
    for i in range(rows):
        payload = f"500{i:09d}"
        body.append(product_row(f"S-{i:06d}", payload + check_digit(payload), description=f"Item {i} " + "d" * 60))
    return write_csv(name, CATALOG_HEADER, body)


@pytest.mark.slow
def test_memory_stays_flat_while_streaming(idb: Database, write_csv: WriteCsv) -> None:
    path = _big_file(write_csv, 20_000)
    tracemalloc.start()
    try:
        report = import_catalog(idb, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.inserted, report.updated, report.unchanged) == (20_000, 0, 0)
    # Holding every row as objects took ~4.6 KB a row (92 MB here); batches of 2,000 take a few MB.
    assert peak < 12_000_000, f"peak {peak / 1e6:.1f} MB of Python objects"


def test_repeats_are_found_across_batches_and_only_good_rows_count(
    idb: Database, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "_BATCH", 3)  # every few rows a new batch
    rows = [
        product_row("X-1", "4006381333931"),  # row 2
        product_row("B-1"),
        product_row("C-1", description=""),  # row 4: bad, so its SKU and GTIN are free for later rows
        product_row("X-1", "96385074"),  # row 5: SKU of row 2
        product_row("D-1", "96385074"),  # row 6: the GTIN of a refused row is free
        product_row("E-1", "04006381333931"),  # row 7: row 2's GTIN written with its leading zero
        product_row("C-1", "036000291452"),  # row 8: the bad row 4's SKU is free
    ]
    report = import_catalog(idb, write_csv("c.csv", CATALOG_HEADER, rows), skip_bad=True)
    assert [(e.row, e.column) for e in report.skipped] == [(4, "description"), (5, "sku"), (7, "gtin")]
    assert "is also on row 2" in report.skipped[1].problem
    assert "gtin '04006381333931' is also on row 2 (sku 'X-1')" in report.skipped[2].problem
    assert report.inserted == 4
    with idb.unit_of_work() as uow:
        gtins = {sku: gtin for sku, gtin in uow.session.execute(select(Product.sku, Product.gtin))}
    assert gtins == {"X-1": "04006381333931", "B-1": None, "D-1": "00000096385074", "C-1": "00036000291452"}


def test_a_bad_last_row_writes_nothing_and_the_next_import_starts_clean(idb: Database, write_csv: WriteCsv) -> None:
    path = _big_file(write_csv, 4_500)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("Z-1,,Broken,general,lots,,,,,,,\n")
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    assert (info.value.row, info.value.column) == (4_502, "unit_value")
    assert count(idb, Product) == 0
    report = import_catalog(idb, _big_file(write_csv, 10, "small.csv"))  # same pooled connection
    assert report.inserted == 10 and count(idb, Product) == 10
    with idb.engine.connect() as conn:
        assert not inspect(conn).get_temp_table_names()


def test_updates_and_gtin_moves_with_rows_in_many_batches(
    idb: Database, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "_BATCH", 2)
    first = [product_row("A-1", "4006381333931"), product_row("B-1", "96385074"), product_row("C-1")]
    import_catalog(idb, write_csv("one.csv", CATALOG_HEADER, first))
    # A and B swap GTINs, C's description changes only in case, D is new.
    second = [product_row("A-1", "96385074"), product_row("B-1", "4006381333931"),
              product_row("C-1", description="PRODUCT C-1"), product_row("D-1")]
    report = import_catalog(idb, write_csv("two.csv", CATALOG_HEADER, second))
    assert (report.inserted, report.updated, report.unchanged) == (1, 3, 0)
    again = import_catalog(idb, write_csv("two.csv", CATALOG_HEADER, second))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_the_streamed_import_on_the_central_engines(engine_name: str, write_csv: WriteCsv) -> None:
    with throwaway_database(engine_name) as url:
        db = Database(url)
        try:
            migrate.upgrade(db)
            first = [product_row("A-1", "4006381333931"), product_row("B-1", "96385074"), product_row("C-1"),
                     product_row("A-1", "036000291452")]  # a repeat in the first import
            report = import_catalog(db, write_csv("one.csv", CATALOG_HEADER, first), skip_bad=True)
            assert report.inserted == 3 and [(e.row, e.column) for e in report.skipped] == [(5, "sku")]
            bad = [product_row("A-1", "96385074"), product_row("B-1", "4006381333931"), product_row("E-1", "1")]
            with pytest.raises(ImportRowError):  # a failed import leaves nothing behind, not even its table
                import_catalog(db, write_csv("bad.csv", CATALOG_HEADER, bad))
            second = [product_row("A-1", "96385074"), product_row("B-1", "4006381333931"),
                      product_row("C-1", description="PRODUCT C-1"), product_row("D-1")]
            report = import_catalog(db, write_csv("two.csv", CATALOG_HEADER, second))
            assert (report.inserted, report.updated, report.unchanged) == (1, 3, 0)  # a change of case counts
            again = import_catalog(db, write_csv("two.csv", CATALOG_HEADER, second))
            assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
            with db.unit_of_work() as uow:
                rows = {p.sku: (p.gtin, p.description) for p in uow.session.scalars(select(Product))}
            assert rows["A-1"][0] == "00000096385074" and rows["B-1"][0] == "04006381333931"
            assert rows["C-1"][1] == "PRODUCT C-1"
        finally:
            db.dispose()


def test_first_import_keeps_the_defaults_of_left_out_columns_and_refuses_a_repeat(
    idb: Database, write_csv: WriteCsv
) -> None:
    header = ["sku", "description", "category", "unit_value", "hazmat"]
    rows = [["A-1", "Mug", "general", "1.50", "yes"], ["B-1", "Cup", "general", "2", ""]]
    assert import_catalog(idb, write_csv("a.csv", header, rows)).inserted == 2
    with idb.unit_of_work() as uow:
        a = uow.session.scalars(select(Product).where(Product.sku == "A-1")).one()
        stored = (a.vendor, a.vendor_rtv, a.warranty_days, a.weight_g, a.gtin, a.hazmat)
        assert stored == ("", False, 0, None, None, True)
        assert a.unit_value_cents == 150 and a.updated_at is not None
    other = Database(idb.url.replace(".db", "-2.db"))
    migrate.upgrade(other)
    try:
        repeated = rows + [["A-1", "Mug again", "general", "1", "no"]]
        report = import_catalog(other, write_csv("b.csv", header, repeated), skip_bad=True)
        assert report.inserted == 2 and [(e.row, e.column) for e in report.skipped] == [(4, "sku")]
        assert count(other, Product) == 2
    finally:
        other.dispose()


def test_batches_cover_every_record() -> None:
    records = list(range(4_001))
    batches = list(catalog._batches(records))  # type: ignore[arg-type]
    assert [len(b) for b in batches] == [2_000, 2_000, 1]
    assert list(itertools.chain.from_iterable(batches)) == records
