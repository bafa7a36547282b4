"""app/version.py: the build file a bundle carries, and the commit read from a source checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import __version__
from app.cli import build_parser
from app.version import BuildInfo, git_commit, read_build_info, version_line, write_build_info


def test_written_build_file_reads_back_as_a_bundle(tmp_path: Path) -> None:
    path = tmp_path / "app" / "build_info.json"
    written = write_build_info(path, "0123456789ab", "2026-12-02")
    assert json.loads(path.read_text())["commit"] == "0123456789ab"
    assert read_build_info(path) == written == BuildInfo(__version__, "0123456789ab", "2026-12-02", "bundle")


def test_missing_or_broken_build_file_means_source(tmp_path: Path) -> None:
    assert read_build_info(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text("[1, 2")
    assert read_build_info(tmp_path / "bad.json") is None


def test_commit_from_a_branch_ref_a_packed_ref_and_a_detached_head(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    assert git_commit(tmp_path) == "a" * 12
    (git / "refs" / "heads" / "main").unlink()
    (git / "packed-refs").write_text("# pack-refs with: peeled\n" + "b" * 40 + " refs/heads/main\n")
    assert git_commit(tmp_path) == "b" * 12
    (git / "HEAD").write_text("c" * 40 + "\n")
    assert git_commit(tmp_path, length=7) == "c" * 7
    assert git_commit(tmp_path / "elsewhere") is None


def test_dash_dash_version_prints_version_and_build(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit) as done:
        parser.parse_args(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.strip() == version_line()
    assert out.startswith(f"returns-desk {__version__} (build ")
