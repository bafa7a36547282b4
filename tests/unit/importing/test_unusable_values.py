"""Imports refuse what a station can never use: hidden characters, unscannable RMA numbers and badges,
impossible dates, spreadsheet-mangled numbers; and they read Excel's semicolon and tab files.

Every case writes a real CSV file and imports it into a real SQLite file. With skip_bad the good rows of
the same file are still written, so a bad row is never lost silently: it is reported with row and column.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.db.models import Operator, Product, Rma, RmaLine
from app.db.uow import Database
from app.errors import ImportRowError
from app.importing import import_catalog, import_operators, import_rmas
from app.importing.characters import first_forbidden, is_clean, plain_spaces
from tests.unit.importing.import_helpers import CATALOG_HEADER, RMA_HEADER, WriteCsv, count, product_row
from tests.unit.importing.test_rmas import catalog, rma_row  # noqa: F401 - `catalog` is a fixture

SHORT_HEADER = "sku,description,category,unit_value"


def skus(db: Database) -> set[str]:
    with db.unit_of_work() as uow:
        return set(uow.session.scalars(select(Product.sku)))


def descriptions(db: Database) -> dict[str, str]:
    with db.unit_of_work() as uow:
        return {p.sku: p.description for p in uow.session.scalars(select(Product))}


def import_one_bad(
    db: Database, write_csv: WriteCsv, override: dict[str, str]
) -> tuple[ImportRowError, ImportRowError]:
    """A bad row between two good ones: the error without skip_bad, and the skipped error with it."""
    rows = [product_row("OK-1"), product_row(**{"sku": "BAD-1", **override}), product_row("OK-2")]
    path = write_csv("catalog.csv", CATALOG_HEADER, rows)
    with pytest.raises(ImportRowError) as info:
        import_catalog(db, path)
    assert count(db, Product) == 0  # all or nothing
    report = import_catalog(db, path, skip_bad=True)
    assert report.inserted == 2 and skus(db) == {"OK-1", "OK-2"}
    assert len(report.skipped) == 1
    return info.value, report.skipped[0]


HIDDEN = [
    # (override, column, words the message must contain)
    ({"sku": "AB\u200b12"}, "sku", "sku 'AB<U+200B>12' contains an invisible character, the zero-width space"),
    ({"sku": "\ufeffAB-12"}, "sku", "byte-order mark (U+FEFF)"),
    ({"sku": "AB\u200d12"}, "sku", "zero-width joiner (U+200D)"),
    ({"sku": "AB\u2060-12"}, "sku", "word joiner (U+2060)"),
    ({"sku": "AB\x0012"}, "sku", "contains a control character, the NUL character (U+0000)"),
    ({"sku": "AB\u00a012"}, "sku", "no-break space (U+00A0), which looks like a space"),
    ({"sku": "AB\u202f12"}, "sku", "narrow no-break space (U+202F)"),
    ({"sku": "AB\u300012"}, "sku", "ideographic space (U+3000)"),
    ({"gtin": "590123\u200b4123457"}, "gtin", "'590123<U+200B>4123457' contains an invisible character"),
    ({"gtin": "5901234123457\x00"}, "gtin", "NUL character (U+0000)"),
    ({"description": "Kettle\x00 1.7L"}, "description", "control character, the NUL character"),
    ({"description": "Kettle\x1b[31m"}, "description", "control character"),
    ({"description": "Kettle\u00ad1.7L"}, "description", "soft hyphen (U+00AD)"),
    ({"description": "Kettle \u200e1.7L"}, "description", "left-to-right mark (U+200E)"),
    ({"description": "Kettle\u20281.7L"}, "description", "contains a line break"),
    ({"description": "Kettle\x851.7L"}, "description", "contains a line break"),
    ({"description": "Kettle \ue000"}, "description", "invisible character"),  # private use: no font has it
    ({"description": "Caf\ufffd filter"}, "description", "export the file again as 'CSV UTF-8'"),
    ({"vendor": "Acme\u200b"}, "vendor", "zero-width space"),
    ({"unit_value": "12\u200b.50"}, "unit_value", "zero-width space"),
    ({"category": "general\u200b"}, "category", "zero-width space"),
]


@pytest.mark.parametrize(("override", "column", "words"), HIDDEN)
def test_hidden_characters_are_refused_with_row_column_and_what_to_do(
    idb: Database, write_csv: WriteCsv, override: dict[str, str], column: str, words: str
) -> None:
    error, skipped = import_one_bad(idb, write_csv, override)
    for err in (error, skipped):
        assert (err.file, err.row, err.column) == ("catalog.csv", 3, column)
        assert words in err.problem
        assert ": delete it" in err.problem or "one line" in err.problem or "export the file" in err.problem


def test_no_break_and_other_spaces_in_descriptions_become_plain_spaces(
    idb: Database, write_csv: WriteCsv
) -> None:
    rows = [
        product_row("A-1", description="Frying pan 28\u00a0cm", vendor="Cook\u202fwell"),
        product_row("B-1", description="Prix\u2009:\u300012,99"),
    ]
    report = import_catalog(idb, write_csv("catalog.csv", CATALOG_HEADER, rows))
    assert report.inserted == 2
    assert descriptions(idb) == {"A-1": "Frying pan 28 cm", "B-1": "Prix : 12,99"}
    with idb.unit_of_work() as uow:
        assert uow.session.scalars(select(Product.vendor).where(Product.sku == "A-1")).one() == "Cook well"
    again = import_catalog(idb, write_csv("catalog.csv", CATALOG_HEADER, rows))
    assert again.unchanged == 2  # normalised the same way each time


def test_printable_unicode_still_imports(idb: Database, write_csv: WriteCsv) -> None:
    names = ["Чайник 1,7 л", "Βραστήρας", "קומקום", "غلاية ماء", "電気ケトル 1.7L", "Crème brûlée ß “set”"]
    rows = [product_row(f"U-{i}", description=name) for i, name in enumerate(names)]
    assert import_catalog(idb, write_csv("catalog.csv", CATALOG_HEADER, rows)).inserted == len(names)
    assert sorted(descriptions(idb).values()) == sorted(names)


def test_a_bom_at_the_file_start_and_before_the_header_keeps_working(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    # Some tools add a second byte-order mark when they re-save a file that already had one.
    path.write_bytes(codecs.BOM_UTF8 + ("\ufeff" + SHORT_HEADER + "\nA-1,Mug,general,5\n").encode())
    assert import_catalog(idb, path).inserted == 1
    assert skus(idb) == {"A-1"}


NUMBERS = [
    ({"gtin": "4.26073E+12"}, "gtin", "rounded number by a spreadsheet: format the gtin column as text"),
    ({"gtin": "36000291452"}, "gtin", "probably 036000291452, whose leading zero a spreadsheet dropped"),
    ({"gtin": "５９０１２３４１２３４５７"}, "gtin", "fullwidth digit five (U+FF15), not one of the digits 0-9"),
    ({"warranty_days": "٣٦٥"}, "warranty_days", "arabic-indic digit three (U+0663)"),
    ({"weight_g": "-5"}, "weight_g", "below 0"),
    ({"weight_g": "99999999999999999999"}, "weight_g", "above 10000000"),
    ({"unit_value": "1e3"}, "unit_value", "is not an amount"),
    ({"unit_value": "10000000"}, "unit_value", "too large"),
]


@pytest.mark.parametrize(("override", "column", "words"), NUMBERS)
def test_numbers_a_station_cannot_use(
    idb: Database, write_csv: WriteCsv, override: dict[str, str], column: str, words: str
) -> None:
    error, skipped = import_one_bad(idb, write_csv, override)
    assert (error.row, error.column, skipped.row) == (3, column, 3)
    assert words in error.problem


def test_decimal_comma_is_read_as_excel_writes_it(idb: Database, write_csv: WriteCsv) -> None:
    import_catalog(idb, write_csv("catalog.csv", CATALOG_HEADER, [product_row("A-1", unit_value="12,5")]))
    with idb.unit_of_work() as uow:
        assert uow.session.scalars(select(Product.unit_value_cents)).one() == 1250


# --- separators and headers ---------------------------------------------------------------------------


def test_semicolon_file_from_excel_is_read_and_the_summary_names_the_separator(
    idb: Database, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(
        codecs.BOM_UTF8
        + (
            "SKU;GTIN;Description;Category;Unit_value\r\n"
            "A-1;4006381333931;\"Becher für Tee; blau\";general;12,99\r\n"
            "B-1;;Kettle 1,7 L;small_appliances;49\r\n"
        ).encode()
    )
    report = import_catalog(idb, path)
    assert (report.inserted, report.separator) == (2, ";")
    assert report.summary() == "catalog.csv: 2 new, 0 updated, 0 unchanged (read as semicolon-separated)"
    assert descriptions(idb) == {"A-1": "Becher für Tee; blau", "B-1": "Kettle 1,7 L"}


def test_utf16_tab_separated_unicode_text_from_excel_is_read(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.txt"
    text = "sku\tdescription\tcategory\tunit_value\r\nA-1\tCrème, brûlée\tgeneral\t5,00\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    report = import_catalog(idb, path)
    assert (report.inserted, report.separator) == (1, "\t")
    assert "tab-separated" in report.summary()
    assert descriptions(idb) == {"A-1": "Crème, brûlée"}


def test_comma_file_summary_does_not_mention_the_separator(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(SHORT_HEADER + "\nA-1,Mug,general,5\n")
    assert import_catalog(idb, path).summary() == "catalog.csv: 1 new, 0 updated, 0 unchanged"


def test_a_separator_that_cannot_be_told_is_named_in_the_message(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text("sku|description|category|unit_value\nA-1|Mug|general|5\n")
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    assert (info.value.row, info.value.column) == (1, None)
    assert "separated by '|', a separator this import does not read" in info.value.problem
    assert "commas, semicolons or tabs" in info.value.problem
    assert count(idb, Product) == 0


def test_a_header_that_names_no_column_under_any_separator_mentions_the_separator(
    idb: Database, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text("Artikel;EAN;Bezeichnung;Kategorie;Preis\nA-1;;Tasse;general;5\n")
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    problem = info.value.problem
    assert problem.startswith("the first row must be the header: sku,gtin,description")
    assert "'Artikel', 'EAN', 'Bezeichnung', 'Kategorie', …" in problem and "separator" in problem


def test_a_file_without_a_header_row_says_so_instead_of_listing_unknown_columns(
    idb: Database, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text("EL-PHN-0001,4260731022900,Voltra X5 smartphone,electronics,699.00\nB-1,,Mug,general,5\n")
    with pytest.raises(ImportRowError) as info:
        import_catalog(idb, path)
    problem = info.value.problem
    assert problem.startswith(f"the first row must be the header: {','.join(CATALOG_HEADER)}")
    assert "'EL-PHN-0001', '4260731022900'" in problem and "add the header row" in problem
    assert "unknown column" not in problem


def test_a_semicolon_file_without_a_header_also_says_so(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "rmas.csv"
    path.write_text("RMA100001;SO-1;C1;2026-10-25;30;1;PH-1\n")
    with pytest.raises(ImportRowError, match=r"row 1: the first row must be the header: rma_number,"):
        import_rmas(idb, path)


def test_empty_columns_after_the_last_one_are_ignored_unless_they_hold_values(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(f"{SHORT_HEADER};;\nA-1;Mug;general;5;;\nB-1;Cup;general;3;;x\n".replace(",", ";"))
    report = import_catalog(idb, path, skip_bad=True)
    assert report.inserted == 1 and [(e.row, e.column) for e in report.skipped] == [(3, None)]
    assert "unquoted semicolon" in report.skipped[0].problem


def test_a_nameless_column_inside_the_header_is_named_by_its_position(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text("sku,description,,category,unit_value\nA-1,Mug,,general,5\n")
    with pytest.raises(ImportRowError, match=r"row 1: wrong header: column\(s\) 3 have no name"):
        import_catalog(idb, path)


def test_a_row_with_too_many_values_is_skipped_with_skip_bad(idb: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(f"{SHORT_HEADER}\nA-1,Mug,general,5\nB-1,Mug, blue,general,5\nC-1,Cup,general,3\n")
    with pytest.raises(ImportRowError, match=r"row 3: the row has 5 values .* unquoted comma"):
        import_catalog(idb, path)
    report = import_catalog(idb, path, skip_bad=True)
    assert report.inserted == 2 and [(e.row, e.column) for e in report.skipped] == [(3, None)]
    assert skus(idb) == {"A-1", "C-1"}


# --- RMAs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("rma100002", "rma_number 'rma100002' is read as 'RMA100002' when scanned, so a station would never find it"),
        ("R-100002", "rma_number 'R-100002' can never be scanned"),
        ("R-100002", "matches rma_pattern ^RMA\\d{6,}$"),
        ("RMA12", "correct the rma_number, or the stations' rma_pattern setting first"),
        ("RMA１００００２", "fullwidth digit one (U+FF11), not one of the digits 0-9"),
        ("RMA100\u200b002", "zero-width space (U+200B)"),
        ("RMA100002\u00a0X", "no-break space"),
    ],
)
def test_rma_numbers_the_stations_cannot_scan_are_refused(
    catalog: Database, write_csv: WriteCsv, number: str, words: str  # noqa: F811
) -> None:
    rows = [rma_row(), rma_row(number, 1, "KT-1"), rma_row("RMA100003", 1, "JK-1")]
    path = write_csv("rmas.csv", RMA_HEADER, rows)
    with pytest.raises(ImportRowError) as info:
        import_rmas(catalog, path)
    assert (info.value.row, info.value.column) == (3, "rma_number")
    assert words in info.value.problem
    report = import_rmas(catalog, path, skip_bad=True)
    assert report.inserted == 2 and [(e.row, e.column) for e in report.skipped] == [(3, "rma_number")]
    assert count(catalog, Rma) == 2


def test_rma_numbers_are_checked_against_the_site_pattern(catalog: Database, write_csv: WriteCsv) -> None:  # noqa: F811
    rows = [rma_row("RT-20001"), rma_row("RMA100001", 1, "KT-1")]
    path = write_csv("rmas.csv", RMA_HEADER, rows)
    report = import_rmas(catalog, path, skip_bad=True, rma_pattern=r"^RT-\d{5}$")
    assert report.inserted == 1
    assert "matches rma_pattern ^RT-\\d{5}$" in report.skipped[0].problem
    with catalog.unit_of_work() as uow:
        assert list(uow.session.scalars(select(Rma.rma_number))) == ["RT-20001"]


@pytest.mark.parametrize(
    ("over", "column", "words"),
    [
        ({"expected_serial": "SN12\u200b34"}, "expected_serial", "zero-width space"),
        ({"expected_serial": "SN12\u00a034"}, "expected_serial", "no-break space"),
        ({"expected_serial": "SN12 34"}, "expected_serial", "contains a space"),
        ({"customer_ref": "C1\x00"}, "customer_ref", "NUL character"),
        ({"qty": "-1"}, "qty", "below 1"),
        ({"qty": "1000000"}, "qty", "above 100000"),
        ({"order_date": "2027-02-29"}, "order_date", "2027-02-29 is not a real date (February 2027 has 28 days)"),
        ({"order_date": "2026-04-31"}, "order_date", "(April 2026 has 30 days)"),
        ({"order_date": "0000-01-01"}, "order_date", "(there is no year 0)"),
        ({"order_date": "25.10.2026"}, "order_date", "form YYYY-MM-DD"),
    ],
)
def test_other_rma_values_a_station_cannot_use(
    catalog: Database, write_csv: WriteCsv, over: dict[str, str], column: str, words: str  # noqa: F811
) -> None:
    rows = [rma_row(), rma_row("RMA100002", 1, "PH-1", **over)]
    report = import_rmas(catalog, write_csv("rmas.csv", RMA_HEADER, rows), skip_bad=True)
    assert report.inserted == 1 and [(e.row, e.column) for e in report.skipped] == [(3, column)]
    assert words in report.skipped[0].problem
    assert count(catalog, RmaLine) == 1


def test_a_leap_day_is_a_real_date(catalog: Database, write_csv: WriteCsv) -> None:  # noqa: F811
    import_rmas(catalog, write_csv("rmas.csv", RMA_HEADER, [rma_row(order_date="2028-02-29")]))
    with catalog.unit_of_work() as uow:
        assert str(uow.session.scalars(select(Rma.order_date)).one()) == "2028-02-29"


# --- operators ----------------------------------------------------------------------------------------

OPERATOR_HEADER = ["badge", "name", "role", "pin"]


@pytest.mark.parametrize(
    ("badge", "words"),
    [
        ("b1001", "badge 'b1001' is read as 'B1001' when scanned"),
        ("B1", "badge 'B1' can never be scanned: a station reads a scan as a badge only when it matches"),
        ("EMP-7", "matches badge_pattern ^B\\d{4,}$"),
        ("B10\u200b01", "zero-width space"),
    ],
)
def test_badges_the_stations_cannot_scan_are_refused(
    idb: Database, write_csv: WriteCsv, badge: str, words: str
) -> None:
    rows = [["B1001", "Dana", "worker", ""], [badge, "Lee", "worker", ""]]
    report = import_operators(idb, write_csv("operators.csv", OPERATOR_HEADER, rows), skip_bad=True)
    assert report.inserted == 1 and [(e.row, e.column) for e in report.skipped] == [(3, "badge")]
    assert words in report.skipped[0].problem


def test_badges_follow_the_site_pattern(idb: Database, write_csv: WriteCsv) -> None:
    rows = [["EMP-0007", "Dana", "worker", ""]]
    report = import_operators(idb, write_csv("operators.csv", OPERATOR_HEADER, rows), badge_pattern=r"^EMP-\d{4}$")
    assert report.inserted == 1


def test_a_hidden_character_in_a_pin_is_reported_without_the_pin(idb: Database, write_csv: WriteCsv) -> None:
    rows = [["B1001", "Dana", "worker", "12\u200b34"]]
    with pytest.raises(ImportRowError) as info:
        import_operators(idb, write_csv("operators.csv", OPERATOR_HEADER, rows))
    assert info.value.column == "pin" and "at character 3" in info.value.problem
    assert "12" not in str(info.value) and "34" not in str(info.value)
    assert count(idb, Operator) == 0


# --- the command line uses the station's settings -----------------------------------------------------


def test_cli_checks_rma_numbers_against_the_configured_pattern_and_names_the_separator(
    catalog: Database,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "rmas.csv"
    path.write_text("rma_number;line_no;sku\nRT-20001;1;PH-1\nRMA100001;1;KT-1\n")
    monkeypatch.setenv("RETURNS_DESK_RMA_PATTERN", r"^RT-\d{5}$")
    code = main(["--db", catalog.url, "import", "rmas", str(path), "--skip-bad"])
    out = capsys.readouterr().out
    assert code == 1
    assert "rmas.csv: 1 new, 0 updated, 0 unchanged, 1 bad row(s) skipped (read as semicolon-separated)" in out
    assert "row 3, column 'rma_number'" in out and "^RT-\\d{5}$" in out


def test_the_fast_clean_check_never_lets_a_forbidden_character_through() -> None:
    # Planes 0, 1 and 14 hold every control and format character; 15-16 are private use.
    planes = [*range(0x20000), *range(0xE0000, 0xE1000), 0xF0000, 0x10FFFD]
    forbidden = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
    for cp in planes:
        ch = chr(cp)
        if unicodedata.category(ch) in forbidden or ch == "\ufffd":
            assert not is_clean(ch) and first_forbidden(f"A{ch}B") == 1, f"U+{cp:04X}"
        elif ch.isspace() and ch != " ":
            assert first_forbidden(ch) is None and plain_spaces(ch) == " ", f"U+{cp:04X}"
