"""`returns-desk sync --once` and `returns-desk sync status` against a real central server."""

from __future__ import annotations

import socket

from sqlalchemy.engine import make_url

from app.cli import main
from app.demo import load_demo_master_data


def test_sync_once_then_status(central, tmp_path, capsys, monkeypatch):
    load_demo_master_data(central)
    local = f"sqlite:///{tmp_path / 'station.db'}"
    monkeypatch.setenv("RETURNS_DESK_CENTRAL_DB", central.url)  # the documented way to name the server
    assert main(["--db", local, "--station", "D07", "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "Pulled" in out and "product 209" in out and "Pushed 0 changes" in out

    assert main(["--db", local, "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "waiting to be sent: 0" in out and "last error: none" in out and "last sync: never" not in out


def test_sync_once_says_when_the_server_is_unreachable(tmp_path, capsys, central_url):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nowhere = make_url(central_url).set(port=port).render_as_string(hide_password=False)
    local = f"sqlite:///{tmp_path / 'station.db'}"
    assert main(["--db", local, "sync", "--once", "--central", nowhere]) == 2
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "Work continues here" in err
    assert main(["--db", local, "sync", "status"]) == 1
    assert "last error: The central database" in capsys.readouterr().out
