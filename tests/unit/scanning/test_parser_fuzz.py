"""Property-based: whatever a scanner (or a cat on the keyboard) sends, the parser never raises, and every
input is either classified or refused with a message saying what to do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.scanning.classify import ScanKind, classify_scan
from app.scanning.normalize import ScanFormat

RMA, BADGE = r"^RMA\d{6,}$", r"^B\d{4,}$"
GS = "\x1d"

aim = st.sampled_from(["", "]C0", "]C1", "]E0", "]d2", "]Q3", "]e0", "]X9"])
ais = st.sampled_from(["00", "01", "10", "11", "15", "17", "21", "30", "37", "99", "7003", "8200"])
field_data = st.text(alphabet="0123456789ABCDEFXYZ-/.", min_size=0, max_size=24)
element_string = st.lists(st.tuples(ais, field_data, st.booleans()), min_size=1, max_size=5).map(
    lambda fields: "".join(ai + data + (GS if sep else "") for ai, data, sep in fields)
)
anything = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


def check(raw: str) -> None:
    scan = classify_scan(raw, RMA, BADGE)
    assert isinstance(scan.kind, ScanKind)
    if scan.kind is ScanKind.UNKNOWN:
        assert scan.message.strip(), raw
    else:
        assert scan.value, raw
    if scan.kind is ScanKind.PRODUCT and scan.gtin is not None:
        assert len(scan.gtin) == 14 and scan.gtin.isdigit()


@settings(max_examples=400, deadline=None)
@given(aim, element_string)
def test_gs1_shaped_input_never_raises(prefix, body):
    check(prefix + body)


@settings(max_examples=400, deadline=None)
@given(anything)
def test_any_text_never_raises(text):
    check(text)
    check(ScanFormat.from_settings("", "", "~").normalise(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=20), aim)
def test_digits_never_raise(digits, prefix):
    check(prefix + digits)
