from __future__ import annotations

import pytest

from app.domain.codes import GtinError, check_digit, normalize_gtin


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
    import random

    from biip.gtin import Gtin

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
