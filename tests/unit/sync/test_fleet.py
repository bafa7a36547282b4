"""The fleet view on a SQLite central file (the same scenarios run on PostgreSQL and MariaDB in
tests/integration/test_fleet_central.py), and its pure parts."""

from __future__ import annotations

import pytest

from app.sync.fleet import older_than, running_version, version_key
from tests import fleet_scenarios as scenarios

SCENARIOS = [scenarios.every_round_reports, scenarios.a_second_station_with_the_same_id_is_refused,
             scenarios.the_same_file_is_the_same_station, scenarios.an_old_station_says_it_must_be_upgraded,
             scenarios.an_unknown_central_schema_is_refused_naming_the_version,
             scenarios.the_view_says_what_is_wrong]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_fleet_on_a_sqlite_central(scenario, tmp_path, central, configuration, clock):
    scenario(tmp_path, central, configuration, clock)


def test_versions_compare_as_numbers():
    assert version_key("1.10.0") > version_key("1.9.3")
    assert version_key("1.4") == version_key("1.4.0") and version_key("2rc1") == (2,)
    assert older_than("0.1.0", "0.2") and not older_than("0.2.0", "0.2") and not older_than("0.1", "")


def test_without_an_embedded_version_the_build_is_dev(monkeypatch):
    import importlib

    real = importlib.import_module

    def no_version(name, *args):
        if name == "app.version":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_version)
    import app

    assert running_version() == (app.__version__, "dev")
