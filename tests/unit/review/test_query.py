"""The search line's filters: keys and text, days, refusals in words."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import InvalidState
from app.review.query import parse_query
from app.review.search import ItemFilter

TODAY = date(2026, 11, 20)


def test_keys_and_text_together() -> None:
    found = parse_query("grade:c disposition:Liquidate station:d02 from:2026-11-18 to:today smart watch", TODAY)
    assert found == ItemFilter(text="smart watch", grade="C", disposition="liquidate", station="D02",
                               date_from=date(2026, 11, 18), date_to=TODAY)


def test_a_scan_is_text() -> None:
    assert parse_query("LP-D01-0000042", TODAY) == ItemFilter(text="LP-D01-0000042")
    assert parse_query("]C101095012345678903", TODAY).text == "]C101095012345678903"


def test_salvage_operator_flag_rule_cause() -> None:
    found = parse_query("grade:salvage operator:b1001 flag:serial_mismatch rule:no_rma_valuable cause:recalled", TODAY)
    assert (found.grade, found.operator, found.flag, found.rule, found.cause) == (
        "Salvage", "B1001", "serial_mismatch", "no_rma_valuable", "recalled")


@pytest.mark.parametrize(("text", "words"), [("colour:red", "is not a search key"),
                                             ("from:yesterday", "is not a day")])
def test_refusals_say_what_to_write(text: str, words: str) -> None:
    with pytest.raises(InvalidState, match=words):
        parse_query(text, TODAY)


def test_a_filter_in_words() -> None:
    from app.review.query import describe_filter

    words = describe_filter(parse_query("grade:a station:d01 phone", TODAY))
    assert words == "station D01 · grade A · matching “phone”"
    assert describe_filter(ItemFilter(open_exceptions=True)) == "held for a person"
