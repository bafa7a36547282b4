"""The least-privilege station role of docs/central-database.md, run as written: a full sync works with it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import migrate
from app.db.uow import Database
from app.demo import load_demo_master_data
from app.sync.runner import sync_once
from tests.integration.servers import ADMIN_URLS, throwaway_database
from tests.integration.stations import grade, new_station, plain_gtins

DOC = Path(__file__).parents[2] / "docs" / "central-database.md"


def documented_sql(heading: str) -> list[str]:
    """The statements of the ```sql block that follows `heading` in the doc."""
    after = DOC.read_text().split(f"\n{heading}\n", 1)[1]
    block = after.split("```sql\n", 1)[1].split("```", 1)[0]
    lines = [re.sub(r"--.*$", "", line).strip() for line in block.splitlines()]
    return [s.strip() for s in " ".join(lines).split(";") if s.strip()]


@pytest.mark.parametrize(("engine_name", "heading"), [("postgresql", "PostgreSQL:"), ("mariadb", "MariaDB / MySQL:")])
def test_a_station_syncs_with_only_the_documented_rights(engine_name, heading, tmp_path, configuration, clock):
    role = f"rd_station_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(ADMIN_URLS[engine_name], isolation_level="AUTOCOMMIT")
    try:
        with throwaway_database(engine_name) as url:
            owner = Database(url)
            migrate.upgrade(owner)
            load_demo_master_data(owner)
            name = make_url(url).database
            grants = [
                s.replace("returns_station", role).replace("DATABASE returns", f"DATABASE {name}")
                .replace("returns.", f"{name}.").replace("IDENTIFIED BY '...' REQUIRE SSL", "IDENTIFIED BY ''")
                for s in documented_sql(heading)
            ]
            assert len(grants) >= 5
            with owner.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for statement in grants:
                    conn.execute(text(statement))  # the doc's SQL, names substituted above
            as_station = Database(make_url(url).set(username=role, password="").render_as_string(hide_password=False)
                                  if engine_name == "mariadb" else make_url(url).set(username=role)
                                  .render_as_string(hide_password=False))
            desk = new_station(tmp_path, as_station, "D03", configuration, clock)  # pull as the station role
            worker = desk.sign_in("B1001", "1111")
            item = grade(desk, worker, plain_gtins(desk.db, 1)[0])
            report = sync_once(desk.db, as_station, "D03")
            assert report.pushed.sent > 0
            desk.void_item(worker, item.id, "wrong_answer")
            assert sync_once(desk.db, as_station, "D03").pushed.sent > 0  # an update, as the station role
            with as_station.engine.connect() as conn:
                with pytest.raises(Exception, match="(?i)denied"):
                    conn.execute(text("DELETE FROM audit_event"))  # no more than a station needs
            as_station.dispose()
            owner.dispose()
    finally:
        with admin_engine.connect() as conn:
            if engine_name == "postgresql":
                conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
            else:
                conn.execute(text(f"DROP USER IF EXISTS '{role}'@'%'"))
        admin_engine.dispose()
