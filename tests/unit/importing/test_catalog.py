"""Catalog import: values, every kind of bad row, skip_bad, idempotent re-import, updates, 20k rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import Product
from app.db.uow import Database
from app.domain.codes import check_digit
from app.errors import ImportRowError
from app.importing import import_catalog
from tests.unit.importing.import_helpers import CATALOG_HEADER, WriteCsv, count, product_row


def products(db: Database) -> dict[str, dict[str, object]]:
    with db.unit_of_work() as uow:
        return {
            p.sku: {c.name: getattr(p, c.name) for c in Product.__table__.columns}
            for p in uow.session.scalars(select(Product))
        }


def good_file(write_csv: WriteCsv, name: str = "catalog.csv") -> Path:
    return write_csv(
        name,
        CATALOG_HEADER,
        [
            [
                "PH-1",
                "5901234123457",
                "Phone X 128GB",
                "electronics",
                "129.99",
                "Voltra",
                "yes",
                "730",
                "yes",
                "no",
                "YES",
                "188",
            ],
            [
                "JK-1",
                "036000291452",
                "Rain jacket M",
                "Apparel",
                "89.9",
                "Fjell",
                "no",
                "",
                "false",
                "0",
                "no",
                "",
            ],
            ["KT-1", "", "Kettle 1.7L", "small_appliances", "0", "", "1", "365", "0", "no", "no", "1100"],
        ],
    )


def test_good_import_stores_typed_values(idb: Database, write_csv: WriteCsv) -> None:
    report = import_catalog(idb, good_file(write_csv))
    assert (report.file, report.inserted, report.updated, report.unchanged, report.skipped) == (
        "catalog.csv",
        3,
        0,
        0,
        (),
    )
    rows = products(idb)
    phone = rows["PH-1"]
    assert phone["gtin"] == "05901234123457"
    assert phone["unit_value_cents"] == 12999
    assert (phone["serialized"], phone["data_bearing"], phone["hazmat"], phone["vendor_rtv"]) == (
        True,
        True,
        False,
        True,
    )
    assert phone["warranty_days"] == 730 and phone["weight_g"] == 188 and phone["vendor"] == "Voltra"
    jacket = rows["JK-1"]
    assert jacket["gtin"] == "00036000291452"
    assert jacket["category"] == "apparel"  # codes are matched case-insensitively
    assert jacket["unit_value_cents"] == 8990
    assert jacket["warranty_days"] == 0 and jacket["weight_g"] is None
    kettle = rows["KT-1"]
    assert kettle["gtin"] is None and kettle["unit_value_cents"] == 0 and kettle["vendor_rtv"] is True


def test_utf8_with_bom_and_accents(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv(
        "c.csv", CATALOG_HEADER, [product_row("A-1", description="Crème brûlée set, 4 pcs")], bom=True
    )
    assert import_catalog(idb, path).inserted == 1
    assert products(idb)["A-1"]["description"] == "Crème brûlée set, 4 pcs"


def test_minimal_header_uses_defaults(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv(
        "c.csv", ["sku", "description", "category", "unit_value"], [["A-1", "Mug", "general", "5"]]
    )
    import_catalog(idb, path)
    row = products(idb)["A-1"]
    assert (
        row["gtin"] is None
        and row["serialized"] is False
        and row["vendor"] == ""
        and row["unit_value_cents"] == 500
    )


BAD_ROWS = [
    # (override, column, words the message must contain)
    (
        {"gtin": "5901234123450"},
        "gtin",
        "gtin '5901234123450' has a wrong check digit (expected 7): "
        "check the number or leave the column empty",
    ),
    ({"gtin": "12345"}, "gtin", "not a GTIN"),
    ({"category": "toys"}, "category", "use one of electronics, apparel, small_appliances, general"),
    ({"unit_value": "-5.00"}, "unit_value", "negative"),
    ({"unit_value": "1.299,00"}, "unit_value", "e.g. 1299.99"),  # a thousands mark
    ({"unit_value": "$12"}, "unit_value", "without currency sign"),
    ({"unit_value": "1.999"}, "unit_value", "at most two decimals"),
    ({"unit_value": ""}, "unit_value", "is empty"),
    ({"serialized": "maybe"}, "serialized", "yes/no"),
    ({"warranty_days": "-1"}, "warranty_days", "below 0"),
    ({"warranty_days": "two years"}, "warranty_days", "not a whole number"),
    ({"description": ""}, "description", "description is empty"),
    ({"description": "x" * 201}, "description", "at most 200"),
    ({"sku": "AB 12"}, "sku", "contains a space"),
]


@pytest.mark.parametrize(("override", "column", "words"), BAD_ROWS)
def test_bad_row_names_file_row_column_and_writes_nothing(
    idb: Database,
    write_csv: WriteCsv,
    override: dict[str, str],
    column: str,
    words: str,
) -> None:
    rows = [
        product_row("OK-1", "4006381333931"),
        product_row("OK-2"),
        product_row(**{"sku": "BAD-1", **override}),
    ]
    path = write_csv("cat.csv", CATALOG_HEADER, rows)
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    err = info.value
    assert (err.file, err.row, err.column) == ("cat.csv", 4, column)
    assert words in err.problem
    assert str(err).startswith(f"cat.csv, row 4, column '{column}': ")
    assert count(idb, Product) == 0


def test_duplicate_sku_in_file(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv("c.csv", CATALOG_HEADER, [product_row("A-1"), product_row("B-1"), product_row("A-1")])
    with pytest.raises(ImportRowError, match=r"c.csv, row 4, column 'sku': sku 'A-1' is also on row 2"):
        import_catalog(idb, path)
    assert count(idb, Product) == 0


def test_duplicate_gtin_in_file_also_across_gtin_forms(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv(
        "c.csv", CATALOG_HEADER, [product_row("A-1", "036000291452"), product_row("B-1", "0036000291452")]
    )
    with pytest.raises(ImportRowError, match=r"row 3, column 'gtin'.*also on row 2 \(sku 'A-1'\)"):
        import_catalog(idb, path)


def test_gtin_of_another_sku_in_the_database(idb: Database, write_csv: WriteCsv) -> None:
    import_catalog(idb, write_csv("a.csv", CATALOG_HEADER, [product_row("A-1", "5901234123457")]))
    before = products(idb)
    path = write_csv("b.csv", CATALOG_HEADER, [product_row("B-1"), product_row("C-1", "05901234123457")])
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    assert (info.value.file, info.value.row, info.value.column) == ("b.csv", 3, "gtin")
    assert "already belongs to sku 'A-1'" in info.value.problem
    assert products(idb) == before


def test_gtins_may_move_between_skus_in_one_file(idb: Database, write_csv: WriteCsv) -> None:
    g1, g2 = "5901234123457", "4006381333931"
    import_catalog(idb, write_csv("a.csv", CATALOG_HEADER, [product_row("A-1", g1), product_row("B-1", g2)]))
    report = import_catalog(
        idb, write_csv("b.csv", CATALOG_HEADER, [product_row("A-1", g2), product_row("B-1", g1)])
    )
    assert report.updated == 2
    rows = products(idb)
    assert rows["A-1"]["gtin"] == "0" + g2 and rows["B-1"]["gtin"] == "0" + g1


def test_skip_bad_writes_good_rows_and_reports_bad_ones(idb: Database, write_csv: WriteCsv) -> None:
    rows = [
        product_row("A-1"),
        product_row("B-1", category="food"),
        product_row("C-1"),
        product_row("D-1", unit_value="-1"),
        product_row("A-1"),
    ]
    report = import_catalog(idb, write_csv("c.csv", CATALOG_HEADER, rows), skip_bad=True)
    assert (report.inserted, report.updated, report.unchanged) == (2, 0, 0)
    assert [(e.row, e.column) for e in report.skipped] == [(3, "category"), (5, "unit_value"), (6, "sku")]
    assert set(products(idb)) == {"A-1", "C-1"}


def test_reimport_changes_nothing(idb: Database, write_csv: WriteCsv) -> None:
    path = good_file(write_csv)
    import_catalog(idb, path)
    before = products(idb)
    report = import_catalog(idb, path)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    assert products(idb) == before  # updated_at included


def test_update_changes_just_that_row(idb: Database, write_csv: WriteCsv) -> None:
    import_catalog(idb, write_csv("a.csv", CATALOG_HEADER, [product_row("A-1"), product_row("B-1")]))
    before = products(idb)
    rows = [product_row("A-1"), product_row("B-1", unit_value="12.50", description="Renamed")]
    report = import_catalog(idb, write_csv("b.csv", CATALOG_HEADER, rows))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    after = products(idb)
    assert after["A-1"] == before["A-1"]
    assert after["B-1"]["unit_value_cents"] == 1250 and after["B-1"]["description"] == "Renamed"
    assert isinstance(after["B-1"]["updated_at"], datetime)
    assert after["B-1"]["updated_at"] > before["B-1"]["updated_at"]


def test_column_left_out_keeps_stored_value(idb: Database, write_csv: WriteCsv) -> None:
    import_catalog(idb, good_file(write_csv))
    path = write_csv(
        "b.csv",
        ["sku", "description", "category", "unit_value"],
        [["PH-1", "Phone X 128GB", "electronics", "99"]],
    )
    assert import_catalog(idb, path).updated == 1
    phone = products(idb)["PH-1"]
    assert (
        phone["gtin"] == "05901234123457"
        and phone["serialized"] is True
        and phone["unit_value_cents"] == 9900
    )


def test_wrong_header_names_missing_columns_and_expected_header(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv("c.csv", ["sku", "gtin", "descr", "category"], [["A-1", "", "Mug", "general"]])
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    err = info.value
    assert (err.file, err.row, err.column) == ("c.csv", 1, None)
    assert "missing column(s) description, unit_value" in err.problem
    assert "unknown column(s) 'descr'" in err.problem
    assert ",".join(CATALOG_HEADER) in err.problem


def test_row_numbers_count_blank_and_multiline_rows(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "sku,description,category,unit_value\n"
        'A-1,"Two\nlines",general,1\n'  # row 2: a line break inside a value is one row… but not allowed
        "\n"  # row 3: blank, skipped
        "B-1,Mug,general,oops\n",  # row 4
        encoding="utf-8",
    )
    report = import_catalog(idb, path, skip_bad=True)
    assert [(e.row, e.column) for e in report.skipped] == [(2, "description"), (4, "unit_value")]


def test_file_that_is_not_utf8(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("sku,description,category,unit_value\nA-1,Crème,general,1\n".encode("cp1252"))
    with pytest.raises(ImportRowError, match=r"c.csv, row 2: the file is not UTF-8"):
        import_catalog(idb, path)


def test_missing_file(idb: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportRowError, match="not found"):
        import_catalog(idb, tmp_path / "nope.csv")


@pytest.mark.slow
def test_20000_row_catalog_in_one_go(idb: Database, write_csv: WriteCsv) -> None:
    rows = []
    for i in range(20_000):
        payload = f"400{i:09d}"
        rows.append(
            product_row(f"SKU-{i:05d}", payload + check_digit(payload), unit_value=f"{i % 500}.{i % 100:02d}")
        )
    path = write_csv("big.csv", CATALOG_HEADER, rows)
    report = import_catalog(idb, path)
    assert (report.inserted, report.updated, report.unchanged) == (20_000, 0, 0)
    assert count(idb, Product) == 20_000
    with idb.unit_of_work() as uow:
        p = uow.session.scalars(select(Product).where(Product.sku == "SKU-12345")).one()
        assert p.gtin == "0400000012345" + check_digit("400000012345")
        assert p.unit_value_cents == (12345 % 500) * 100 + 12345 % 100
    again = import_catalog(idb, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 20_000)
