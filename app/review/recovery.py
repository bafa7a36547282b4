"""Recovery rates per disposition (resources/rules/recovery.toml, site-overridable): the board's estimate of
the value recovered, unit value x rate. Read strictly, like the other rules files: a wrong key or value stops
with the file name and the key path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.conditions import TableReader, one_file, parse_toml
from app.domain.vocab import CATEGORIES, Disposition

RULES_PACKAGE = "resources.rules"
RECOVERY_FILE = "recovery.toml"
DISPOSITIONS = tuple(d.value for d in Disposition)


@dataclass(frozen=True)
class RecoveryRates:
    """Shares of the unit value by disposition; `by_category` replaces some of them for one category."""

    rates: dict[str, float]
    by_category: dict[str, dict[str, float]] = field(default_factory=dict)
    version: int = 1
    source: str = ""  # the file they came from, for the tile's definition

    def rate(self, disposition: str | None, category: str | None = None) -> float:
        if disposition is None:
            return 0.0
        special = self.by_category.get(category or "", {})
        return special.get(disposition, self.rates.get(disposition, 0.0))

    def value_cents(self, disposition: str | None, category: str | None, unit_value_cents: int) -> int:
        return round(unit_value_cents * self.rate(disposition, category))


def load_recovery_rates(extra_dir: Path | None = None) -> RecoveryRates:
    """The shipped rates, or the site's recovery.toml in `extra_dir` (the station's rules folder) instead."""
    source = one_file(RULES_PACKAGE, RECOVERY_FILE, extra_dir)
    top = TableReader(source.name, "", parse_toml(source))
    version = top.integer("version", minimum=1)
    rates_table = top.table("rates")
    assert rates_table is not None
    rates = _rates(rates_table)
    by_category: dict[str, dict[str, float]] = {}
    categories = top.table("categories", required=False)
    if categories is not None:
        for name in list(categories.data):
            if name not in CATEGORIES:
                raise categories.error(name, f"unknown category; use one of: {', '.join(CATEGORIES)}")
            table = categories.table(name)
            assert table is not None
            by_category[name] = _rates(table)
        categories.finish()
    top.finish()
    return RecoveryRates(rates, by_category, version, source.name)


def _rates(table: TableReader) -> dict[str, float]:
    found: dict[str, float] = {}
    for key in list(table.data):
        if key not in DISPOSITIONS:
            raise table.error(key, f"unknown disposition; use one of: {', '.join(DISPOSITIONS)}")
        value = table.number(key, minimum=-1.0)
        assert value is not None
        if value > 1.0:
            raise table.error(key, f"a rate is a share of the unit value, at most 1.0 (100 %), not {value:g}")
        found[key] = value
    table.finish()
    return found
