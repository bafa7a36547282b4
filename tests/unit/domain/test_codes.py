"""The domain's code formats: GTIN check digits and normalisation, UPC-E, LPNs and totes."""

from __future__ import annotations

import random

import pytest
from biip.gtin import Gtin
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import (
    LPN_PATTERN,
    TOTE_PATTERN,
    GtinError,
    canonical,
    canonical_lpn,
    canonical_tote,
    check_digit,
    format_lpn,
    is_tote_code,
    normalize_gtin,
    tote_code,
    upc_e_gtin,
    valid_gtin,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5901234123457", "05901234123457"),  # EAN-13
        ("036000291452", "00036000291452"),  # UPC-A
        ("12345670", "00000012345670"),  # GTIN-8
        ("10036000291459", "10036000291459"),  # GTIN-14
        (" 4006381333931 ", "04006381333931"),
    ],
)
def test_valid_gtins_become_14_digits(value: str, expected: str) -> None:
    assert normalize_gtin(value) == expected


def test_wrong_check_digit_names_the_expected_digit() -> None:
    with pytest.raises(GtinError, match=r"'5901234123450' has a wrong check digit \(expected 7\)"):
        normalize_gtin("5901234123450")


@pytest.mark.parametrize("value", ["abc", "123", "123456789", "590123412345７", "5901-234123457", ""])
def test_not_a_gtin(value: str) -> None:
    with pytest.raises(GtinError):
        normalize_gtin(value)


def test_check_digit() -> None:
    assert check_digit("590123412345") == "7"


def test_agrees_with_biip_gtin_parse() -> None:
    rng = random.Random(5)
    for length in (8, 12, 13, 14):
        for _ in range(300):
            payload = "".join(rng.choice("0123456789") for _ in range(length - 1))
            value = payload + rng.choice("0123456789")
            try:
                expected: str | None = Gtin.parse(value).as_gtin_14()
            except Exception:
                expected = None
            try:
                got: str | None = normalize_gtin(value)
            except GtinError:
                got = None
            assert got == expected, value


def test_valid_gtin_is_none_instead_of_an_error() -> None:
    assert valid_gtin("4006381333931") == "04006381333931"
    assert valid_gtin("4006381333932") is None and valid_gtin("abc") is None


@pytest.mark.parametrize(("digits", "gtin"), [
    ("425261", "00042100005264"),  # 6 digits: number system 0, no check digit
    ("0425261", "00042100005264"),
    ("04252614", "00042100005264"),
    ("12345670", "00123456000070"),
])
def test_upc_e_expands_to_the_upc_a_gtin(digits: str, gtin: str) -> None:
    assert upc_e_gtin(digits) == gtin


@pytest.mark.parametrize("digits", ["04252615", "22345670", "12345", "123456789", "０４２５２６１４", "04a52614"])
def test_not_a_upc_e(digits: str) -> None:
    assert upc_e_gtin(digits) is None


def test_lpn_and_tote_formats_are_recognised_back() -> None:
    assert format_lpn("D01", 42) == "LP-D01-0000042" and LPN_PATTERN.match(format_lpn("ABC123", 9_999_999))
    assert tote_code("D01", 42) == "TOTE-D01-00042" and TOTE_PATTERN.match(tote_code("ZZ", 1))
    assert is_tote_code("TOTE-D01-00042") and is_tote_code(" tote-d01-00042 ")
    assert not is_tote_code("TOTE-D01-42") and not is_tote_code("LP-D01-0000042")
    assert is_tote_code(tote_code("D01", 100_000)) and is_tote_code("TOTE-D01-1234567")  # past 99,999 totes
    assert not is_tote_code("TOTE-D01-12345678")


@given(st.sampled_from(["D01", "ABC123", "Z9"]), st.integers(1, 99_999), st.booleans())
def test_codes_in_lower_case_come_back_upper_case(station: str, number: int, lower: bool) -> None:
    lpn, tote = format_lpn(station, number), tote_code(station, number)
    assert canonical_lpn(lpn.lower() if lower else lpn) == lpn
    assert canonical_tote(tote.lower() if lower else tote) == tote
    assert canonical_lpn(tote) is None and canonical_tote(lpn) is None


def test_canonical_keeps_a_pattern_that_wants_lower_case() -> None:
    assert canonical("ret-1", r"^ret-\d+$") == "ret-1"
    assert canonical("RET-1", r"^ret-\d+$") is None
    assert canonical("rma100001", r"^RMA\d{6,}$") == "RMA100001"
