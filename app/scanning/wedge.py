"""Keyboard-wedge burst decoding: pure timing logic, no Qt, so it is tested without a screen.

A scanner types a whole code in a burst (a few ms between keys) and ends it with Enter or Tab; a person
types slower. The decoder collects characters with their times and, at the terminator, says whether the
line was a burst (a scan) or typed. A single key that nothing follows within the gap is a person's key
press (a checklist answer), handed over when `idle` is polled after the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str
    is_burst: bool


@dataclass
class BurstDecoder:
    gap_ms: float = 40.0
    min_burst_length: int = 4
    _chars: list[str] = field(default_factory=list)
    _times: list[float] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self._chars)

    @property
    def last_time(self) -> float | None:
        return self._times[-1] if self._times else None

    def key(self, char: str, t_ms: float) -> None:
        self._chars.append(char)
        self._times.append(t_ms)

    def backspace(self) -> bool:
        """Delete the last character; False when there was none (the key means 'back')."""
        if not self._chars:
            return False
        self._chars.pop()
        self._times.pop()
        return True

    def terminator(self, t_ms: float) -> Line | None:
        """Enter/Tab: the collected line, or None when nothing was collected."""
        if not self._chars:
            return None
        line = Line(self.text, self.is_burst(t_ms))
        self.clear()
        return line

    def is_burst(self, t_ms: float) -> bool:
        """Long enough, and every gap (the terminator's included) shorter than the threshold."""
        if len(self._chars) < self.min_burst_length:
            return False
        return self.max_gap(t_ms) < self.gap_ms

    def max_gap(self, t_ms: float | None = None) -> float:
        times = self._times + ([t_ms] if t_ms is not None else [])
        return max((b - a for a, b in zip(times, times[1:], strict=False)), default=0.0)

    def idle(self, t_ms: float) -> str | None:
        """A lone character with no key after it for the gap: a person's single key press."""
        if len(self._chars) == 1 and t_ms - self._times[0] >= self.gap_ms:
            char = self._chars[0]
            self.clear()
            return char
        return None

    def clear(self) -> None:
        self._chars.clear()
        self._times.clear()
