"""What a serial number can be (issue 8 §6): the serial step refuses control characters, ZPL, formulas,
spaces and other kinds of code, and checks the RMA's expected serial format."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.serials import SERIAL_MAX, serial_problem

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
serials = st.builds(lambda first, rest: first + rest, st.sampled_from(ALNUM),
                    st.text(alphabet=ALNUM + "-/.", max_size=SERIAL_MAX - 1))


def problem(text: str, expected: str | None = None) -> str | None:
    return serial_problem(text, expected, rma_pattern=RMA, badge_pattern=BADGE)


@pytest.mark.parametrize("serial", ["SN12345678", "356938035643809", "C02XG0FDJG5J", "A", "ab-12/34.5",
                                    "SN-77", "WRONG-SN", "9" * SERIAL_MAX])
def test_real_serials_are_accepted(serial):
    assert problem(serial) is None


@settings(max_examples=300, deadline=None)
@given(serials)
def test_letters_digits_and_dash_slash_dot_are_accepted(serial):
    assume(not serial.upper().startswith(("RMA", "B", "LP-", "TOTE-", "CMD-")))
    assert problem(serial) is None


@pytest.mark.parametrize(("text", "says"), [
    ("", "No serial number was entered"),
    ("SN\x001234", "control characters (⟨00⟩)"),
    ("SN1234\r", "control characters"),
    ("SN\x1d1234", "control characters (⟨GS⟩)"),
    ("\ufeffSN1234", "invisible"),
    ("SN\u200b1234", "invisible"),
    ("SN\u00a01234", "invisible"),
    ("^XA^FDpwned^FS^XZ", "^ or ~"),
    ("SN~1234", "^ or ~"),
    ("=HYPERLINK(\"x\")", "starts with '='"),
    ("+SN1234", "starts with '+'"),
    ("-1234", "starts with '-'"),
    ("@SUM(A1)", "starts with '@'"),
    ("SN 1234", "contains a space"),
    ("S" * (SERIAL_MAX + 1), f"at most {SERIAL_MAX}"),
    ("SN_1234", "'_'"),
    ("SN,1234;5", "',' ';'"),
    ("SNé1234", "'é'"),
    ("SN１２３４", "'１' '２' '３' '４'"),
    ("RMA100054", "This is an RMA number"),
    ("rma100054", "This is an RMA number"),
    ("LP-D01-0000042", "one of our LPN labels"),
    ("lp-d01-0000042", "one of our LPN labels"),
    ("TOTE-D01-00042", "a tote barcode"),
    ("B1001", "a badge"),
    ("CMD-NEXT", "a command barcode"),
    ("cmd-cancel", "a command barcode"),
])
def test_what_cannot_be_a_serial_says_why(text, says):
    message = problem(text)
    assert message is not None and says in message
    assert any(verb in message for verb in ("Scan", "Type", "scan", "type"))  # and what to do


@settings(max_examples=200, deadline=None)
@given(serials, st.integers(0, 40), st.characters(codec="utf-8", categories=["Cc", "Cf"]))
def test_any_control_or_format_character_is_refused(serial, at, char):
    message = problem(serial[:at] + char + serial[at:])
    assert message is not None and "invisible or control characters" in message


def test_rma_and_badge_are_only_refused_when_the_site_patterns_are_given():
    assert serial_problem("RMA100054") is None and serial_problem("B1001") is None
    assert serial_problem("LP-D01-0000042") is not None  # our own formats are always known


@pytest.mark.parametrize(("scanned", "expected"), [
    ("SN87654321", "SN12345678"),  # another unit of the same kind: serial_mismatch, not a format problem
    ("sn12345678", "SN12345678"),
    ("356938035643809", "490154203237518"),
    ("AB-12/3", "XY-98/7"),
])
def test_a_different_serial_of_the_right_format_is_not_a_problem(scanned, expected):
    assert problem(scanned, expected) is None


@pytest.mark.parametrize(("scanned", "expected", "described"), [
    ("SN1234567", "SN12345678", "2 letters, then 8 digits"),
    ("4006381333931", "SN12345678", "2 letters, then 8 digits"),
    ("SN-1234567", "SN12345678", "2 letters, then 8 digits"),
    ("12345678SN", "SN12345678", "2 letters, then 8 digits"),
    ("C02XG0FDJG5", "C02XG0FDJG5J",
     "1 letter, then 2 digits, then 2 letters, then 1 digit, then 4 letters, then 1 digit, then 1 letter"),
    ("AB123", "AB-12/3", "2 letters, then '-', then 2 digits, then '/', then 1 digit"),
])
def test_the_wrong_format_names_the_expected_serial(scanned, expected, described):
    message = problem(scanned, expected)
    assert message is not None
    assert f"the RMA expects a serial like {expected} ({described})" in message


@settings(max_examples=300, deadline=None)
@given(serials, st.data())
def test_same_shape_passes_and_other_length_fails(expected, data):
    assume(problem(expected) is None)
    same = "".join(data.draw(st.sampled_from("ABCXYZ" if c.isalpha() else "0123456789" if c.isdigit() else c))
                   for c in expected)
    assume(problem(same) is None)
    assert problem(same, expected) is None
    longer = same + "7"
    if len(longer) <= SERIAL_MAX:
        assert "expects a serial like" in (problem(longer, expected) or "")


def test_a_serial_that_looks_like_another_code_passes_when_the_rma_expects_that_format():
    assert problem("B12345678", "B87654321") is None
    assert "badge" in (problem("B12345678") or "")


def test_an_unreadable_expected_serial_gives_no_format():
    assert problem("SN12345678", "SN 1234") is None
    assert problem("SN12345678", "") is None
