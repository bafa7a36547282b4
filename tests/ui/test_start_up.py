"""The station never starts half-configured: broken rules stop start-up with the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.errors import RulesError
from ui.main import build_desk


def test_broken_disposition_rules_stop_start_up(tmp_path: Path, db):
    (tmp_path / "disposition.toml").write_text(
        'version = 1\n[[rules]]\nid = "x"\nwhen = { grade_at_least = "Z" }\ndisposition = "restock"\nwhy = "x"\n'
    )
    settings = Settings(db=db.url, rules_dir=str(tmp_path))
    with pytest.raises(RulesError) as caught:
        build_desk(settings)
    message = str(caught.value)
    assert "disposition.toml" in message and "grade_at_least" in message


def test_start_up_migrates_a_new_database(tmp_path: Path):
    desk = build_desk(Settings(db=f"sqlite:///{tmp_path / 'fresh.db'}"))
    assert desk.open_draft() is None
    desk.db.dispose()
