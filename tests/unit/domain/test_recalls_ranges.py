"""Recall ranges in natural order: lots and serials inside, outside and at the ends; what a notice needs."""

from __future__ import annotations

import pytest

from app.domain.recalls import RecallNotice, find_recall, in_range, match_recall, range_problem

GTIN = "00012345678905"


@pytest.mark.parametrize(
    ("value", "low", "high", "inside"),
    [
        ("L2405A", "L2405A", "L2410Z", True),  # the first end
        ("L2410Z", "L2405A", "L2410Z", True),  # the last end
        ("L2407", "L2405A", "L2410Z", True),
        ("L2404Z", "L2405A", "L2410Z", False),
        ("L2411", "L2405A", "L2410Z", False),
        ("L10", "L9", "L20", True),  # plain text order would put L10 before L9
        ("L100", "L9", "L20", False),  # and L100 between L10 and L20
        ("l2406b", "L2405A", "L2410Z", True),  # a scanner sending lower case still matches
        ("SN-01000", "SN-00990", "SN-01100", True),
        ("SN-00989", "SN-00990", "SN-01100", False),
        ("L2405A", "L2405A", None, True),  # one lot
        ("L2405B", "L2405A", None, False),
    ],
)
def test_in_range(value: str, low: str, high: str | None, inside: bool) -> None:
    assert in_range(value, low, high) is inside


def test_range_problems_say_what_to_do() -> None:
    assert range_problem("L1", "L9", "lot") is None
    assert range_problem(None, None, "lot") is None
    assert "swap" in (range_problem("L20", "L9", "lot") or "")
    assert "fill in lot_from" in (range_problem(None, "L9", "lot") or "")


def test_a_notice_without_ranges_covers_every_unit() -> None:
    match = match_recall(RecallNotice("R-1", GTIN), None, None)
    assert match is not None and match.certain


def test_lot_notice_unit_without_lot_is_a_possible_match() -> None:
    notice = RecallNotice("R-2", GTIN, lot_from="L1", lot_to="L5")
    unsure = match_recall(notice, None, "SN1")
    assert unsure is not None and not unsure.certain and unsure.missing == "lot"
    assert match_recall(notice, "L9", None) is None


def test_lot_and_serial_both_must_hold() -> None:
    notice = RecallNotice("R-3", GTIN, lot_from="L1", lot_to="L5", serial_from="S100", serial_to="S200")
    assert match_recall(notice, "L3", "S150") is not None
    assert match_recall(notice, "L3", "S250") is None
    assert match_recall(notice, "L7", "S150") is None
    waiting = match_recall(notice, "L3", None)
    assert waiting is not None and waiting.missing == "serial"


def test_find_recall_prefers_a_certain_match_and_checks_the_gtin() -> None:
    notices = [
        RecallNotice("R-B", GTIN, serial_from="S1", serial_to="S9"),
        RecallNotice("R-A", GTIN, lot_from="L1", lot_to="L5"),
        RecallNotice("R-0", "00000000000017", lot_from="L1", lot_to="L5"),
    ]
    match = find_recall(notices, GTIN, "L2", None)
    assert match is not None and match.reference == "R-A" and match.certain
    assert find_recall(notices, "00000000000024", "L2", "S2") is None
    assert find_recall(notices, None, "L2", "S2") is None
    assert RecallNotice("R-A", GTIN, lot_from="L1", lot_to="L5").affected() == "lots L1 to L5"
