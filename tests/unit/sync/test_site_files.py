"""Site rules and checklists: published centrally only when valid, pulled and used by stations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.config import Settings
from app.db import migrate
from app.db.models import SiteFile
from app.db.uow import Database
from app.domain.rules_check import load_configuration
from app.errors import ConfigError
from app.sync.modes import rules_folders
from app.sync.runner import sync_once
from app.sync.site_files import publish, pulled_folder

SHIPPED = Path(__file__).parents[3] / "resources"


def migrated(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    return db


def site_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "site-rules"
    folder.mkdir()
    text = (SHIPPED / "rules" / "disposition.toml").read_text(encoding="utf-8")
    (folder / "disposition.toml").write_text("# Site copy, published centrally\n" + text, encoding="utf-8")
    return folder


def test_publish_then_a_station_pulls_and_uses_them(tmp_path):
    central, local = migrated(tmp_path / "central.db"), migrated(tmp_path / "station.db")
    folder = site_rules(tmp_path)
    assert publish(central, folder, None) == ["rules/disposition.toml"]
    assert publish(central, folder, None) == []  # unchanged: nothing new for the stations

    site = tmp_path / "site"
    report = sync_once(local, central, "D01", site_folder=site)
    assert report.pulled.rows["site_file"] == 1
    pulled = site / "rules" / "disposition.toml"
    assert pulled.read_text(encoding="utf-8").startswith("# Site copy, published centrally")
    assert pulled_folder("rules", site) == site / "rules"
    load_configuration(site / "rules", None)  # what the station loads at its next start
    central.dispose()
    local.dispose()


def test_a_broken_file_is_not_published(tmp_path):
    central = migrated(tmp_path / "central.db")
    folder = site_rules(tmp_path)
    (folder / "disposition.toml").write_text("[[rules]]\nid = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Not published"):
        publish(central, folder, None)
    with central.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SiteFile)) == 0
    central.dispose()


def test_own_site_folders_win_over_pulled_ones(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    assert rules_folders(Settings(mode="station", central_db="sqlite://", rules_dir=str(own)))[0] == own
    assert rules_folders(Settings(mode="standalone")) == (None, None)


def test_cli_publish(tmp_path, capsys, monkeypatch):
    folder = site_rules(tmp_path)
    monkeypatch.setenv("RETURNS_DESK_RULES_DIR", str(folder))
    central = f"sqlite:///{tmp_path / 'central.db'}"
    assert main(["--db", central, "rules", "publish"]) == 0
    assert "1 file(s) published: rules/disposition.toml" in capsys.readouterr().out
