"""Issue 8 §6: classes of scan strings the classifier got wrong, each tried with many strings, not one.

UPC-E with its check digit; our codes in lower case; invisible characters and other scripts' digits;
printable GS1 text and upper-case Digital Links; GS1 data without an AIM id that cannot be used; one AI
given twice.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.codes import check_digit, format_lpn, tote_code
from app.scanning.classify import Problem, ScanKind, classify_scan

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"
GS = "\x1d"
GTINS = ["04006381333931", "09506000134352", "00036000291452", "10614141000415"]
# What GS1 allows in a lot or serial (the 82-character set), less `(`/`)` which the HRI form reserves.
GS1_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./_", min_size=1,
                   max_size=20)
gtin14 = st.sampled_from(GTINS)


def classify(text: str):
    return classify_scan(text, RMA, BADGE)


def upc_e_to_upc_a(number_system: str, six: str) -> str:
    """The zero-suppression rules written out, independent of biip (GS1 General Specifications 5.2.2.4.2)."""
    d1, d2, d3, d4, d5, d6 = six
    if d6 in "012":
        body = d1 + d2 + d6 + "0000" + d3 + d4 + d5
    elif d6 == "3":
        body = d1 + d2 + d3 + "00000" + d4 + d5
    elif d6 == "4":
        body = d1 + d2 + d3 + d4 + "00000" + d5
    else:
        body = d1 + d2 + d3 + d4 + d5 + "0000" + d6
    payload = number_system + body
    return payload + check_digit(payload)


# --- UPC-E: 8 digits with the UPC-A's check digit are a product, not "wrong check digit" ---------------

@pytest.mark.parametrize(("raw", "gtin"), [
    ("04252614", "00042100005264"),
    ("]E004252614", "00042100005264"),
    ("01234565", "00012345000065"),  # also a valid EAN-8 digit-wise, but EAN-8s starting with 0 are RCN-8
    ("06543217", "00065100004327"),
    ("03456781", "00034567000081"),
    ("03456733", "00034500000673"),
    ("]E401234565", "00000001234565"),  # ]E4 says EAN-8
    ("96385074", "00000096385074"),  # a real EAN-8 stays EAN-8
])
def test_eight_digit_upc_e_and_ean_8(raw, gtin):
    scan = classify(raw)
    assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, gtin), scan.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=6, max_size=6), st.sampled_from(["", "]E0"]))
def test_every_upc_e_with_number_system_0_is_read(six, aim):
    upc_a = upc_e_to_upc_a("0", six)
    scan = classify(aim + "0" + six + upc_a[-1])
    assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, upc_a.zfill(14)), scan.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_upc_e_with_number_system_1_is_read_unless_it_is_an_ean_8(six):
    upc_a = upc_e_to_upc_a("1", six)
    digits = "1" + six + upc_a[-1]
    ean_8_valid = check_digit(digits[:7]) == digits[7]
    scan = classify(digits)
    assert scan.gtin == (digits.zfill(14) if ean_8_valid else upc_a.zfill(14))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.sampled_from("0123456789"))
def test_an_eight_digit_number_is_refused_only_when_neither_reading_holds(seven, last):
    digits = seven + last
    ean_ok = check_digit(seven) == last
    upc_ok = digits[0] in "01" and upc_e_to_upc_a(digits[0], digits[1:7])[-1] == last
    scan = classify(digits)
    if ean_ok or upc_ok:
        assert scan.kind is ScanKind.PRODUCT
    else:
        assert (scan.kind, scan.problem) == (ScanKind.UNKNOWN, Problem.CHECK_DIGIT)
        assert "check digit" in scan.message


# --- our codes in any letter case: recognised, given back upper case --------------------------------

station = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=2, max_size=6)


def flip_case(text: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips + [False] * len(text), strict=False))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.builds(lambda s, n: (ScanKind.LPN, format_lpn(s, n)), station, st.integers(1, 9_999_999)),
        st.builds(lambda s, n: (ScanKind.TOTE, tote_code(s, n)), station, st.integers(1, 99_999)),
        st.builds(lambda n: (ScanKind.RMA, f"RMA{n}"), st.integers(100_000, 10**9)),
        st.builds(lambda n: (ScanKind.BADGE, f"B{n}"), st.integers(1000, 10**6)),
        st.sampled_from([(ScanKind.COMMAND, "CMD-NEXT"), (ScanKind.COMMAND, "CMD-CANCEL")]),
    ),
    st.lists(st.booleans(), max_size=20),
    st.sampled_from(["", "]C0"]),
)
def test_own_codes_in_any_case(kind_code, flips, aim):
    kind, code = kind_code
    scan = classify(aim + flip_case(code, flips))
    assert (scan.kind, scan.value) == (kind, code)


@pytest.mark.parametrize(("raw", "kind", "value"), [
    ("rma100054", ScanKind.RMA, "RMA100054"),
    ("Rma100054", ScanKind.RMA, "RMA100054"),
    ("lp-d01-0000042", ScanKind.LPN, "LP-D01-0000042"),
    ("b1001", ScanKind.BADGE, "B1001"),
    ("tote-d01-00042", ScanKind.TOTE, "TOTE-D01-00042"),
    ("el-phn-0001", ScanKind.PRODUCT, "el-phn-0001"),  # a SKU is looked up as written
])
def test_lower_case_corpus(raw, kind, value):
    assert (classify(raw).kind, classify(raw).value) == (kind, value)


def test_a_site_pattern_with_lower_case_letters_keeps_its_case():
    assert classify_scan("ret-2041", r"^ret-\d+$", BADGE).value == "ret-2041"


# --- invisible characters and other scripts' digits ----------------------------------------------------

INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u00ad", "\x00", "\x01",
             "\x7f", "\x1b", "\u2028"]
SPACES = ["\u00a0", "\u2007", "\u202f", "\u3000", " "]
VALID = [
    ("4006381333931", ScanKind.PRODUCT, "04006381333931"),
    ("RMA100001", ScanKind.RMA, "RMA100001"),
    ("LP-D01-0000042", ScanKind.LPN, "LP-D01-0000042"),
    ("TOTE-D01-00042", ScanKind.TOTE, "TOTE-D01-00042"),
    ("B1001", ScanKind.BADGE, "B1001"),
    ("EL-PHN-0001", ScanKind.PRODUCT, "EL-PHN-0001"),
    ("]C10104006381333931" "10LOT42" + GS + "21SN-77", ScanKind.PRODUCT, "04006381333931"),
]
DIGIT_ZEROS = [0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x1D7CE]  # fullwidth, Arabic-Indic, …


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID), st.lists(st.tuples(st.sampled_from(INVISIBLE), st.integers(0, 40)), max_size=4),
       st.sampled_from(SPACES), st.sampled_from(SPACES))
def test_invisible_characters_are_dropped(valid, insertions, before, after):
    code, kind, value = valid
    text = code
    for char, at in insertions:
        text = text[:at] + char + text[at:]
    scan = classify(before + text + after)
    assert (scan.kind, scan.value) == (kind, value), scan.message
    assert scan.raw == before + text + after  # what arrived is kept for the record


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(VALID), st.sampled_from(DIGIT_ZEROS))
def test_other_scripts_digits_read_as_ascii(valid, zero):
    code, kind, value = valid
    foreign = "".join(chr(zero + int(c)) if c.isdigit() else c for c in code)
    scan = classify(foreign)
    assert (scan.kind, scan.value) == (kind, value), scan.message
    assert scan.value.isascii()


@pytest.mark.parametrize("raw", ["RMA１０００５４", "ＲＭＡ１０００５４", "rma١٠٠٠٥٤", "\ufeffRMA100054\u00a0"])
def test_rma_with_foreign_digits_is_the_plain_rma(raw):
    assert (classify(raw).kind, classify(raw).value) == (ScanKind.RMA, "RMA100054")


def test_fullwidth_gtin_with_wrong_check_digit_is_still_refused():
    scan = classify("４００６３８１３３３９３２")
    assert (scan.kind, scan.problem) == (ScanKind.UNKNOWN, Problem.CHECK_DIGIT)


# --- printable GS1 text and upper-case Digital Links are GS1, not a keyboard layout ------------------

@settings(max_examples=200, deadline=None)
@given(gtin14, GS1_TEXT, GS1_TEXT, st.sampled_from(["", " "]))
def test_printable_gs1_text(gtin, lot, serial, space):
    raw = f"(01){space}{gtin}{space}(17){space}271130(10){lot}(21){serial}"
    scan = classify(raw)
    assert scan.kind is ScanKind.PRODUCT, scan.message
    assert (scan.gtin, scan.lot, scan.serial, scan.expiry) == (gtin, lot, serial, date(2027, 11, 30))


@settings(max_examples=200, deadline=None)
@given(gtin14, st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
       st.sampled_from(["HTTPS://ID.GS1.ORG", "HTTP://EXAMPLE.COM/SHOP", "Https://Id.Gs1.Org"]))
def test_upper_case_digital_link(gtin, serial, base):
    scan = classify(f"{base}/01/{gtin}/21/{serial}?17=271130")
    assert scan.kind is ScanKind.PRODUCT, scan.message
    assert (scan.gtin, scan.serial, scan.expiry) == (gtin, serial, date(2027, 11, 30))


@pytest.mark.parametrize("raw", [
    "(01)09506000134352(21)ABC",
    "(01) 09506000134352 (10) L-42",
    "(00)340123450000000000",
    "HTTPS://ID.GS1.ORG/01/09506000134352/21/ABC",
    "]Q1HTTPS://ID.GS1.ORG/01/09506000134352",
])
def test_gs1_text_corpus_is_never_blamed_on_the_layout(raw):
    scan = classify(raw)
    assert scan.kind in (ScanKind.PRODUCT, ScanKind.GS1), scan.message
    assert scan.problem is Problem.NONE


# --- GS1 data that cannot be used, without an AIM id: say what is wrong, never look it up as a SKU -------

BAD_GS1 = [
    ("0104006381333931" "17261345", "GS1 field (17) is not a valid date"),  # month 13
    ("0104006381333931" "17270230", "GS1 field (17) is not a valid date"),  # 30 February
    ("0104006381333931" "17261345" "10LOT42", "GS1 field (17) is not a valid date"),  # would pass as a SKU
    ("0104006381333931" "15251301" "21SN", "GS1 field (15) is not a valid date"),
    ("00340123450000000000" "11251340", "GS1 field (11) is not a valid date"),  # after an SSCC
    ("0104006381333931" "10" + "L" * 21, "GS1 field (10) is longer than the 20 characters"),
    ("0104006381333931" "21" + "S" * 25 + GS + "10L1", "GS1 field (21) is longer than the 20 characters"),
    ("0104006381333931" "2345", "'2345' does not start a GS1 field"),  # unassigned AI 23
    ("0104006381333931" "19AB", "'19AB' does not start a GS1 field"),
    ("0104006381333931" "3103" "12A456", "GS1 field (3103) must be 6 digits"),
    ("]C1" "0104006381333931" "17261345", "GS1 field (17) is not a valid date"),
    ("(17)261345", "GS1 field (17) is not a valid date"),
    ("(01)09506000134352(23)1", "there is no GS1 field (23)"),
    ("(01)0950600013435", "GS1 field (01) must be 14 digits"),
    ("(01)09506000134352(10)" + "X" * 21, "GS1 field (10) is longer than the 20 characters"),
    ("https://id.gs1.org/01/09506000134352?17=271131", "GS1 field (17) is not a valid date"),
    ("HTTPS://ID.GS1.ORG/01/09506000134352/10/" + "X" * 21, "GS1 field (10) is longer"),
]


@pytest.mark.parametrize(("raw", "says"), BAD_GS1)
def test_unusable_gs1_says_which_field(raw, says):
    scan = classify(raw)
    assert (scan.kind, scan.problem) == (ScanKind.UNKNOWN, Problem.BAD_GS1), scan.message
    assert says in scan.message
    assert "Type the code from the label" in scan.message
    assert scan.lot is None and scan.serial is None and scan.gtin is None


@settings(max_examples=300, deadline=None)
@given(gtin14, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), GS1_TEXT)
def test_any_impossible_date_is_named(gtin, yy, mm, dd, lot):
    try:
        date(2000 + yy, mm, dd or 1)
        return  # a real date (day 00 = end of the month) is fine; covered elsewhere
    except ValueError:
        pass
    scan = classify(f"01{gtin}17{yy:02d}{mm:02d}{dd:02d}10{lot}")
    assert scan.problem is Problem.BAD_GS1, scan.message
    assert "GS1 field (17) is not a valid date" in scan.message


@pytest.mark.parametrize("sku", ["1700-BLK", "10-ABC", "21SN-77", "0123-XY", "3103ABC", "99-BOTTLES"])
def test_skus_that_start_with_digits_stay_skus(sku):
    assert (classify(sku).kind, classify(sku).value) == (ScanKind.PRODUCT, sku)


# --- one AI twice: same value is fine, two values are refused ----------------------------------------

@pytest.mark.parametrize("raw", [
    "0104006381333931" "21SN-A" + GS + "21SN-B",
    "]d2" "0104006381333931" "10L1" + GS + "21S1" + GS + "10L2",
    "]C1" "0104006381333931" "17271130" "17271231",
    "(21)A(21)B",
    "(01)04006381333931(01)09506000134352",
    "https://id.gs1.org/01/09506000134352/21/A?21=B",
])
def test_two_values_for_one_ai_are_refused(raw):
    scan = classify(raw)
    assert (scan.kind, scan.problem) == (ScanKind.UNKNOWN, Problem.BAD_GS1), scan.message
    assert "twice" in scan.message
    assert scan.serial is None and scan.lot is None


@settings(max_examples=200, deadline=None)
@given(gtin14, GS1_TEXT, st.sampled_from(["21", "10"]))
def test_same_value_twice_is_fine(gtin, value, ai):
    scan = classify(f"]C101{gtin}{ai}{value}{GS}{ai}{value}")
    assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, gtin), scan.message
    assert (scan.serial if ai == "21" else scan.lot) == value


@settings(max_examples=200, deadline=None)
@given(gtin14, GS1_TEXT, GS1_TEXT)
def test_different_serials_are_refused(gtin, first, second):
    scan = classify(f"]C101{gtin}21{first}{GS}21{second}")
    if first == second:
        assert scan.serial == first
    else:
        assert scan.problem is Problem.BAD_GS1 and "(21) twice" in scan.message
