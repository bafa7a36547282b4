"""Which Returns Desk this is: the version, and the build (git commit) it was made from.

A bundle built by `make package` carries `build_info.json` next to this module, written at build time
(packaging/build_package.py), because a bundle has no git checkout to ask. Running from source, the commit is
read from the checkout's `.git` files directly (no `git` process: the status bar asks at every start).
`--version`, the status bar and `doctor` all print `version_line()`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from app import __version__

BUILD_INFO_FILE = Path(__file__).with_name("build_info.json")
SOURCE_ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "unknown"


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str  # short git commit, or "unknown"
    built: str  # ISO date of the build ("" when running from source)
    kind: str  # "bundle" (made by make package) or "source"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@cache
def build_info() -> BuildInfo:
    """The build this process runs; read once."""
    embedded = read_build_info(BUILD_INFO_FILE)
    if embedded is not None:
        return embedded
    kind = "bundle" if getattr(sys, "frozen", False) else "source"
    return BuildInfo(__version__, git_commit(SOURCE_ROOT) or UNKNOWN, "", kind)


def version_line() -> str:
    """One line for people: `returns-desk 0.1.0 (build 3508a0a4f1c2, 2026-12-02)`."""
    info = build_info()
    where = info.built if info.kind == "bundle" and info.built else info.kind
    return f"returns-desk {info.version} (build {info.commit}, {where})"


def read_build_info(path: Path) -> BuildInfo | None:
    """The embedded build file, or None when there is none (running from source)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return BuildInfo(str(data.get("version") or __version__), str(data.get("commit") or UNKNOWN),
                     str(data.get("built") or ""), "bundle")


def write_build_info(path: Path, commit: str, built: str) -> BuildInfo:
    """Written by the package build before PyInstaller runs; the spec puts the file next to this module."""
    info = BuildInfo(__version__, commit or UNKNOWN, built, "bundle")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info.as_dict(), indent=2) + "\n", encoding="utf-8")
    return info


def git_commit(root: Path, length: int = 12) -> str | None:
    """HEAD's commit of the checkout at `root`, read from its files; None outside a checkout."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="ascii").strip()
    except OSError:
        return None
    if not head.startswith("ref: "):
        return head[:length] or None  # a detached HEAD holds the commit itself
    ref = head[5:]
    try:
        return (git / ref).read_text(encoding="ascii").strip()[:length] or None
    except OSError:
        return _packed_ref(git, ref, length)


def _packed_ref(git: Path, ref: str, length: int) -> str | None:
    try:
        lines = (git / "packed-refs").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    for line in lines:
        commit, _, name = line.partition(" ")
        if name == ref:
            return commit[:length]
    return None
