"""Throwaway databases on the real central servers, one per test, dropped afterwards.

A developer without the servers gets a skip that says why; in CI (`CI=true`) a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ADMIN_URLS = {
    "postgresql": os.environ.get("RETURNS_DESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("RETURNS_DESK_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def _unreachable(engine_name: str, error: Exception) -> None:
    reason = (f"{engine_name} at {make_url(ADMIN_URLS[engine_name]).render_as_string(hide_password=True)} "
              f"is not reachable ({type(error).__name__}: {str(error).splitlines()[0]}); "
              "start it (see .ci/run) to run the central database tests")
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI needs every central server: {reason}")
    pytest.skip(reason)


@contextmanager
def throwaway_database(engine_name: str) -> Iterator[str]:
    """Create a uniquely named database on the server; yield its URL; drop it afterwards."""
    admin_url = make_url(ADMIN_URLS[engine_name])
    name = f"rd_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))  # name is generated above, never user input
    except Exception as exc:  # any connection failure: say which server and what to do
        admin.dispose()
        _unreachable(engine_name, exc)
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if engine_name == "postgresql":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
