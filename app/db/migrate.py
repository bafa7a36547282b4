"""Schema migrations (Alembic), applied at start-up and by `returns-desk db upgrade`.

Start-up first asks the database for its revision with one query and only loads Alembic when an upgrade
is needed, so a station that is up to date starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from app.db.uow import Database

if TYPE_CHECKING:
    from alembic.config import Config

# Bump with every new migration file (a test checks it equals Alembic's head).
HEAD_REVISION = "0006_review_indexes"


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "app.db:migrations")
    return cfg


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    cfg = _alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(db: Database) -> bool:
    """Upgrade if needed. Returns True when a migration ran."""
    if current_revision(db) == HEAD_REVISION:
        return False
    upgrade(db)
    return True


def alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
