"""Doctor against a real central database (PostgreSQL and MariaDB): latency, schema version, clock skew, and the
station id's claim: this station's own, free, or another station's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import text

from app.config import Settings
from app.db import migrate
from app.db.uow import Database
from app.doctor import central as doctor_central
from app.sync import fleet
from tests.helpers import copy_sqlite


def _findings(settings: Settings) -> dict[str, object]:
    return {f.check: f for f in doctor_central.check_central(settings, settings.db)}


def _station(central: Database, db_templates, tmp_path, station_id: str = "D21") -> Settings:
    path = copy_sqlite(db_templates.empty, tmp_path / f"{station_id}.db")
    return Settings(station_id=station_id, mode="station", db=f"sqlite:///{path}", central_db=central.url)


def test_a_healthy_central_answers_with_latency_schema_and_clock(central, db_templates, tmp_path):
    found = _findings(_station(central, db_templates, tmp_path))
    assert found["central"].status == "ok" and found["central"].details["latency_ms"] < 1000
    assert found["central-schema"].status == "ok" and migrate.HEAD_REVISION in found["central-schema"].summary
    assert found["clock"].status == "ok" and abs(found["clock"].details["skew_s"]) < 5
    assert found["station-id"].status == "ok" and "not used by any station yet" in found["station-id"].summary


def test_the_station_id_claimed_by_this_station_and_by_another(central, db_templates, tmp_path):
    mine = _station(central, db_templates, tmp_path)
    local = Database(mine.db)
    try:
        with central.engine.begin() as conn:
            fleet.claim(conn, mine.station_id, fleet.instance_key(local), datetime.now(UTC))
    finally:
        local.dispose()
    assert _findings(mine)["station-id"].status == "ok"
    # A second computer set up with the same id: its own file, another instance key.
    twin = replace(mine, db=f"sqlite:///{copy_sqlite(db_templates.empty, tmp_path / 'twin.db')}")
    other = Database(twin.db)
    try:
        fleet.instance_key(other)
    finally:
        other.dispose()
    taken = _findings(twin)["station-id"]
    assert taken.status == "failed" and "already used by another station" in taken.summary


def test_an_old_central_schema_and_a_skewed_clock_fail(central, db_templates, tmp_path, monkeypatch):
    settings = _station(central, db_templates, tmp_path)
    with central.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0006_review_indexes'"))
    real_now = datetime.now

    class Ahead(datetime):
        @classmethod
        def now(cls, tz=None):  # the station's clock 10 minutes ahead
            from datetime import timedelta

            return real_now(tz) + timedelta(minutes=10)

    monkeypatch.setattr(doctor_central, "datetime", Ahead)
    found = _findings(settings)
    assert found["central-schema"].status == "failed" and "0006_review_indexes" in found["central-schema"].summary
    assert found["clock"].status == "failed" and found["clock"].details["skew_s"] > 590
    assert "NTP" in found["clock"].fix


def test_an_unreachable_central_fails_fast_in_words(central_url, db_templates, tmp_path):
    import socket
    import time

    from sqlalchemy.engine import make_url

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nowhere = make_url(central_url).set(port=port).render_as_string(hide_password=False)
    path = copy_sqlite(db_templates.empty, tmp_path / "D22.db")
    settings = Settings(station_id="D22", mode="station", db=f"sqlite:///{path}", central_db=nowhere)
    started = time.monotonic()
    [finding] = doctor_central.check_central(settings, settings.db)
    assert time.monotonic() - started < 4
    assert finding.status == "failed" and "does not answer" in finding.summary and "offline" in finding.fix
