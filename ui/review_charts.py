"""The board's figures as chart data: labels and the value text written beside each bar or point."""

from __future__ import annotations

from app.domain.conditions import format_money
from app.review.board import BoardFigures
from ui.charts import Bar


def hour_points(figures: BoardFigures) -> list[tuple[str, int]]:
    return [(at.astimezone().strftime("%H"), count) for at, count in figures.per_hour]


def disposition_bars(figures: BoardFigures) -> list[Bar]:
    return [Bar(line.label.split(" (")[0], line.count,
                f"{line.count} · {line.percent:.0f}% · {format_money(line.recovery_cents)}")
            for line in figures.disposition_mix if line.count]


def grade_parts(figures: BoardFigures) -> list[Bar]:
    return [Bar(line.code, line.count, f"{line.count} ({line.percent:.0f}%)") for line in figures.grade_mix
            if line.count]
