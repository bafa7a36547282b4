"""The kind of a sync problem comes from the real server's error, not from its text: unreachable (nobody
listens), schema (a central database without the tables), refused (an unknown user), on PostgreSQL and MariaDB."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.engine import make_url

from app.db import migrate
from app.db.uow import Database
from app.sync.runner import SyncErrorKind, SyncLoop, SyncStatus
from tests.integration.servers import throwaway_database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_round(tmp_path, central_url: str) -> SyncStatus:
    tmp_path.mkdir(parents=True, exist_ok=True)  # a new station's folder (a missing one is refused)
    local = Database(f"sqlite:///{tmp_path / 'station.db'}")
    migrate.upgrade(local)
    central = Database(central_url)
    seen: list[SyncStatus] = []
    try:
        SyncLoop(local, central, "D01", 30, on_status=seen.append).run_round()
    finally:
        central.dispose()
        local.dispose()
    assert seen and seen[-1].last_error
    return seen[-1]


@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_each_kind_of_problem_from_the_real_server(engine_name, tmp_path):
    with throwaway_database(engine_name) as url:  # created, never migrated: no tables
        assert one_round(tmp_path / "a", url).error_kind is SyncErrorKind.SCHEMA
        nowhere = make_url(url).set(port=free_port()).render_as_string(hide_password=False)
        assert one_round(tmp_path / "b", nowhere).error_kind is SyncErrorKind.UNREACHABLE
    if engine_name == "mariadb":  # psycopg gives no error code when the login itself fails
        stranger = make_url(url).set(username="nobody_here").render_as_string(hide_password=False)
        status = one_round(tmp_path / "c", stranger)
        assert status.error_kind is SyncErrorKind.REFUSED and "user" in (status.last_error or "")
