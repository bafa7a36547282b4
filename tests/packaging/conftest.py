"""Tests of the built artefacts (the .deb and the bundle in it), run by `make smoke` after `make package`.

`make test` must stay fast and needs no build, so the artefact tests are collected only with
RETURNS_DESK_ARTEFACT_TESTS=1 (what `make smoke` and .ci/run set). The other files here (the version, the
installer scripts' static checks) run with the rest of the suite.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import __version__

ARTEFACT_TESTS = os.environ.get("RETURNS_DESK_ARTEFACT_TESTS") == "1"
if not ARTEFACT_TESTS:
    collect_ignore_glob = ["test_artefact_*.py"]

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "package"


@pytest.fixture(scope="session")
def deb() -> Path:
    path = Path(os.environ.get("RETURNS_DESK_DEB") or ROOT / "dist" / f"returns-desk_{__version__}_amd64.deb")
    if not path.is_file():
        pytest.fail(f"{path} does not exist: build it first with `make package`")
    return path


@pytest.fixture(scope="session")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's files under a temporary root, as `dpkg-deb -x` lays them out."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


@pytest.fixture()
def station_env(unpacked: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A person's environment on a station with the package installed: an empty home, the package's site
    configuration as the system file, Qt offscreen."""
    home = tmp_path / "home"
    home.mkdir()
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)  # Qt warns about a runtime folder others may read
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
    yield {
        **keep,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_DIRS": str(unpacked / "etc/xdg"),
        "QT_QPA_PLATFORM": "offscreen",
    }
