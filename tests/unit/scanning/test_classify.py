from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import format_lpn
from app.scanning.classify import ScanKind, classify_scan

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("4006381333931", ScanKind.PRODUCT, "04006381333931"),  # EAN-13
        ("036000291452", ScanKind.PRODUCT, "00036000291452"),  # UPC-A
        ("96385074", ScanKind.PRODUCT, "00000096385074"),  # EAN-8
        ("04006381333931\r\n", ScanKind.PRODUCT, "04006381333931"),  # terminator left on
        ("]E04006381333931", ScanKind.PRODUCT, "04006381333931"),  # AIM prefix
        ("RMA100001", ScanKind.RMA, "RMA100001"),
        ("B1001", ScanKind.BADGE, "B1001"),
        ("LP-D01-0000042", ScanKind.LPN, "LP-D01-0000042"),
        ("EL-PHN-0001", ScanKind.PRODUCT, "EL-PHN-0001"),  # a SKU typed by hand
        ("4006381333932", ScanKind.UNKNOWN, "4006381333932"),  # wrong check digit
        ("", ScanKind.UNKNOWN, ""),
        ("%%%", ScanKind.UNKNOWN, "%%%"),
    ],
)
def test_kinds(raw, kind, value):
    result = classify_scan(raw, RMA, BADGE)
    assert (result.kind, result.value) == (kind, value)
    if kind is ScanKind.UNKNOWN:
        assert result.message  # always says what to do


def test_gs1_element_string_carries_serial_lot_and_expiry():
    result = classify_scan("]C1010400638133393117271130" "10LOT42\x1d21SN-77", RMA, BADGE)
    assert result.kind is ScanKind.PRODUCT
    assert (result.gtin, result.lot, result.serial) == ("04006381333931", "LOT42", "SN-77")
    assert result.expiry == date(2027, 11, 30)
    assert result.symbology == "]C1"


def test_wrong_check_digit_says_so():
    assert "check digit" in classify_scan("4006381333932", RMA, BADGE).message


def test_lpn_format():
    assert format_lpn("D01", 42) == "LP-D01-0000042"
    assert classify_scan(format_lpn("ABC123", 1), RMA, BADGE).kind is ScanKind.LPN
