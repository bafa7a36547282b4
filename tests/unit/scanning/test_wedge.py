from __future__ import annotations

from app.scanning.wedge import BurstDecoder, Line


def feed(decoder: BurstDecoder, text: str, start: float, gap: float) -> float:
    t = start
    for char in text:
        decoder.key(char, t)
        t += gap
    return t


def test_scanner_burst_is_a_scan():
    decoder = BurstDecoder(gap_ms=40)
    t = feed(decoder, "4006381333931", 0, 8)
    assert decoder.terminator(t) == Line("4006381333931", True)
    assert decoder.text == ""


def test_person_typing_is_not_a_burst():
    decoder = BurstDecoder(gap_ms=40)
    t = feed(decoder, "B1001", 0, 150)
    assert decoder.terminator(t) == Line("B1001", False)


def test_one_slow_key_inside_a_scan_makes_it_typed():
    decoder = BurstDecoder(gap_ms=40)
    t = feed(decoder, "40063", 0, 5)
    t = feed(decoder, "81333931", t + 60, 5)
    assert decoder.terminator(t).is_burst is False


def test_single_key_is_released_after_the_gap_only():
    decoder = BurstDecoder(gap_ms=40)
    decoder.key("2", 100)
    assert decoder.idle(120) is None
    assert decoder.idle(141) == "2"
    assert decoder.text == ""


def test_two_keys_are_not_a_single_key():
    decoder = BurstDecoder(gap_ms=40)
    decoder.key("8", 0)
    decoder.key("5", 200)
    assert decoder.idle(400) is None
    assert decoder.terminator(500) == Line("85", False)


def test_backspace_and_empty_terminator():
    decoder = BurstDecoder()
    assert decoder.backspace() is False
    assert decoder.terminator(0) is None
    decoder.key("x", 0)
    assert decoder.backspace() is True and decoder.text == ""


def test_short_fast_line_is_not_a_burst():
    decoder = BurstDecoder(gap_ms=40, min_burst_length=4)
    t = feed(decoder, "12", 0, 5)
    assert decoder.terminator(t).is_burst is False


def test_burst_check_includes_the_terminator_gap_and_reports_the_slowest_key():
    decoder = BurstDecoder(gap_ms=40)
    t = feed(decoder, "40063813", 0, 10)
    assert decoder.last_time == 70
    assert decoder.max_gap() == 10
    assert decoder.is_burst(t) is True
    assert decoder.is_burst(t + 100) is False  # Enter came late: a person finishing a typed line
    assert decoder.max_gap(t + 100) == 110
