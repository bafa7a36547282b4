"""A corpus of scan strings as real scanners send them: with and without AIM identifiers, separators as
ASCII 29, substitutes, and lost separators. Each line: what arrives → what the station must understand."""

from __future__ import annotations

from datetime import date

import pytest

from app.scanning.classify import Problem, ScanKind, classify_scan
from app.scanning.normalize import ScanFormat

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"
GS = "\x1d"

# raw text, kind, value, extra fields expected
CORPUS = [
    # EAN/UPC family, AIM ]E0 on and off
    ("4006381333931", ScanKind.PRODUCT, "04006381333931", {}),
    ("]E04006381333931", ScanKind.PRODUCT, "04006381333931", {"symbology": "]E0"}),
    ("036000291452", ScanKind.PRODUCT, "00036000291452", {}),
    ("]E0036000291452", ScanKind.PRODUCT, "00036000291452", {}),
    ("96385074", ScanKind.PRODUCT, "00000096385074", {}),  # EAN-8
    ("]E4" "96385074", ScanKind.PRODUCT, "00000096385074", {"symbology": "]E4"}),
    ("0123456", ScanKind.PRODUCT, "00012345000065", {}),  # UPC-E with number system and check digit
    ("10614141000415", ScanKind.PRODUCT, "10614141000415", {}),  # GTIN-14 (case)
    # GS1-128 / DataMatrix / QR element strings
    ("]C1" "0104006381333931" "17271130" "10LOT42" + GS + "21SN-77", ScanKind.PRODUCT, "04006381333931",
     {"lot": "LOT42", "serial": "SN-77", "expiry": date(2027, 11, 30), "symbology": "]C1"}),
    ("]d2" "0104006381333931" "21SER123" + GS + "10B7", ScanKind.PRODUCT, "04006381333931",
     {"serial": "SER123", "lot": "B7", "symbology": "]d2"}),
    ("]Q3" "0104006381333931" "17270100", ScanKind.PRODUCT, "04006381333931",
     {"expiry": date(2027, 1, 31)}),  # day 00 = end of the month
    ("0104006381333931" "21SN1021", ScanKind.PRODUCT, "04006381333931", {"serial": "SN1021"}),  # one var. field
    ("]C1" "0104006381333931" "10LOT42" + GS, ScanKind.PRODUCT, "04006381333931", {"lot": "LOT42"}),
    ("]C1" "00340123450000000000", ScanKind.GS1, "340123450000000000", {"sscc": "340123450000000000"}),
    ("]C1" "21SN-77", ScanKind.GS1, "(21)SN-77", {"serial": "SN-77"}),
    # GS1 Digital Link (QR on newer packs)
    ("https://id.gs1.org/01/04006381333931/10/LOT42?17=271130", ScanKind.PRODUCT, "04006381333931",
     {"lot": "LOT42", "expiry": date(2027, 11, 30)}),
    ("]Q1https://example.com/01/09501101530003/21/X9", ScanKind.PRODUCT, "09501101530003", {"serial": "X9"}),
    # our own codes, with and without ]C0
    ("LP-D01-0000042", ScanKind.LPN, "LP-D01-0000042", {}),
    ("]C0LP-D01-0000042", ScanKind.LPN, "LP-D01-0000042", {"symbology": "]C0"}),
    ("RMA100001", ScanKind.RMA, "RMA100001", {}),
    ("]C0RMA100001", ScanKind.RMA, "RMA100001", {}),
    ("B1001", ScanKind.BADGE, "B1001", {}),
    ("TOTE-D01-00042", ScanKind.TOTE, "TOTE-D01-00042", {}),
    ("]C0TOTE-D01-00042", ScanKind.TOTE, "TOTE-D01-00042", {}),
    ("CMD-NEXT", ScanKind.COMMAND, "CMD-NEXT", {}),
    ("]C0CMD-SIGNOUT", ScanKind.COMMAND, "CMD-SIGNOUT", {}),
    ("cmd-back", ScanKind.COMMAND, "CMD-BACK", {}),  # caps lock on the host flips the case
    ("EL-PHN-0001", ScanKind.PRODUCT, "EL-PHN-0001", {}),  # a catalog SKU label
    ("04006381333931\r\n", ScanKind.PRODUCT, "04006381333931", {}),  # terminator left on
]

BAD = [
    ("4006381333932", Problem.CHECK_DIGIT),  # EAN-13, wrong check digit
    ("]E04006381333932", Problem.CHECK_DIGIT),
    ("0104006381333932" "21SN77", Problem.CHECK_DIGIT),  # GTIN inside GS1 with a wrong check digit
    ("00340123450000000009", Problem.CHECK_DIGIT),  # SSCC with a wrong check digit
    # The separator was lost: lot swallowed the serial, or the expiry.
    ("0104006381333931" "17271130" "10LOT4221SN-77", Problem.GS_MISSING),
    ("]C1" "0104006381333931" "10LOT4217271130", Problem.GS_MISSING),
    ("]C1" "0104006381333931" "21SER12310B7X", Problem.GS_MISSING),
    ("]C1" "0104006381333931" "17271340", Problem.BAD_GS1),  # month 13
    ("]C1garbage", Problem.BAD_GS1),
    ("", Problem.EMPTY),
    (GS + GS, Problem.EMPTY),
    ("%%%", Problem.NOT_RECOGNISED),
    ("àà'é", Problem.LAYOUT),  # an AZERTY host typing 0042
    ("'àà-\"_&\"\"\"ç\"&", Problem.LAYOUT),  # 4006381333931 on AZERTY
    ("RMQ&àààà&", Problem.LAYOUT),  # RMA100001 on AZERTY
]


@pytest.mark.parametrize(("raw", "kind", "value", "extra"), CORPUS)
def test_corpus(raw, kind, value, extra):
    scan = classify_scan(raw, RMA, BADGE)
    assert (scan.kind, scan.value) == (kind, value), scan.message
    for name, expected in extra.items():
        assert getattr(scan, name) == expected


@pytest.mark.parametrize(("raw", "problem"), BAD)
def test_bad_scans_are_refused_with_words(raw, problem):
    scan = classify_scan(raw, RMA, BADGE)
    assert scan.kind is ScanKind.UNKNOWN
    assert scan.problem is problem
    assert scan.lot is None and scan.serial is None  # never accepted as data
    assert len(scan.message) > 20


def test_layout_mismatch_names_the_layout():
    assert "French (AZERTY)" in classify_scan("àà'é", RMA, BADGE).message
    assert classify_scan("Schrank-Ypsilon", RMA, BADGE).kind is ScanKind.PRODUCT  # a SKU stays a SKU


def test_lost_separator_says_run_scanner_setup():
    scan = classify_scan("0104006381333931" "10LOT4221SN-77", RMA, BADGE)
    assert "not sending GS1 separators" in scan.message and "scanner setup" in scan.message


@pytest.mark.parametrize("substitute", ["~", "|", "<GS>", "^]", "\\x1d"])
def test_configured_gs_substitute_is_normalised(substitute):
    fmt = ScanFormat.from_settings("", "", substitute)
    written = "~" if substitute == "~" else {"|": "|", "<GS>": "<GS>", "^]": "^]", "\\x1d": GS}[substitute]
    text = fmt.normalise("]C1" "0104006381333931" "10LOT42" + written + "21SN-77")
    scan = classify_scan(text, RMA, BADGE)
    assert (scan.lot, scan.serial) == ("LOT42", "SN-77")


def test_prefix_suffix_and_leading_fnc1_are_removed():
    fmt = ScanFormat.from_settings("\\x02", "#", "")
    assert fmt.normalise("\x02]C1" + GS + "0104006381333931" + GS + "#\r") == "]C1" "0104006381333931"
    assert fmt.has_prefix("\x02abc") and not ScanFormat().has_prefix("abc")
