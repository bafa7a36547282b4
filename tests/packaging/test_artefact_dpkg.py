"""Install, upgrade, remove and purge the .deb with the real dpkg, into a temporary root (never this machine's).

`dpkg --root` keeps its own package database under that root; `--force-script-chrootless` runs the
maintainer scripts here with DPKG_ROOT set (packaging/linux/postrm honours it), and `--force-depends` because
that root's database has none of the Depends installed (test_artefact_deb checks they resolve in Debian).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app import __version__

SITE = "etc/xdg/ReturnsDesk/station.toml"
IT_EDIT = '\nstation_id = "D42"  # set by IT\n'


def dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends",
                           "--force-confold", "--log=/dev/null", *args], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"dpkg {args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def sysroot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sysroot")
    admin = root / "var/lib/dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    return root


@pytest.fixture(scope="module")
def newer_deb(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same package with a higher version, as the next release would be."""
    work = tmp_path_factory.mktemp("repack")
    tree = work / "tree"
    subprocess.run(["dpkg-deb", "-R", str(deb), str(tree)], check=True)
    control = tree / "DEBIAN/control"
    control.write_text(control.read_text().replace(f"Version: {__version__}\n", f"Version: {__version__}+next1\n"))
    out = work / "returns-desk_next_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", str(tree), str(out)],
                   check=True, capture_output=True)
    return out


def status(root: Path) -> str:
    done = subprocess.run(["dpkg-query", f"--root={root}", "-W", "-f=${Status} ${Version}", "returns-desk"],
                          capture_output=True, text=True, check=False)
    return done.stdout


def test_install_upgrade_remove_purge(sysroot: Path, deb: Path, newer_deb: Path) -> None:
    dpkg(sysroot, "-i", str(deb))
    assert status(sysroot) == f"install ok installed {__version__}"
    assert (sysroot / "opt/returns-desk/returns-desk").is_file()
    assert (sysroot / "usr/bin/returns-desk").is_file()

    # IT edits the site configuration; a worker's data sits in a home folder.
    site = sysroot / SITE
    site.write_text(site.read_text() + IT_EDIT)
    data = sysroot / "home/worker/.local/share/ReturnsDesk/returns-desk.db"
    data.parent.mkdir(parents=True)
    data.write_bytes(b"SQLite format 3\x00 the day's work")

    dpkg(sysroot, "-i", str(newer_deb))
    assert status(sysroot) == f"install ok installed {__version__}+next1"
    assert site.read_text().endswith(IT_EDIT), "the upgrade replaced IT's edits of station.toml"
    assert data.read_bytes().endswith(b"the day's work")

    dpkg(sysroot, "--remove", "returns-desk")
    assert not (sysroot / "opt/returns-desk/returns-desk").exists()
    assert site.read_text().endswith(IT_EDIT), "remove (without purge) must keep the site configuration"
    assert data.is_file()

    dpkg(sysroot, "--purge", "returns-desk")
    assert not (sysroot / "etc/xdg/ReturnsDesk").exists(), "purge leaves the site configuration folder"
    assert data.is_file(), "purge must never touch a user's data"
    assert status(sysroot) == ""
