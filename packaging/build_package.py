"""`make package`: the PyInstaller bundle, the .deb around it, lintian, and the NSIS script compiled around it.

    python packaging/build_package.py [--reuse-bundle] [--no-lintian] [--no-nsis]

Writes dist/returns-desk_<version>_amd64.deb; the bundle is build/package/dist/returns-desk, lintian's report
build/package/lintian.txt, the NSIS proof build/package/nsis/. Every step says what it runs; a step that
fails stops the build with the tool's own output and a line saying what to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402 (the checkout's own app, whatever the working folder)
from app.version import git_commit, write_build_info  # noqa: E402

PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
WORK = ROOT / "build" / "package"
BUNDLE = WORK / "dist" / "returns-desk"
DIST = ROOT / "dist"
INSTALL_DIR = "opt/returns-desk"
SITE_CONFIG = "etc/xdg/ReturnsDesk/station.toml"

# Every library the bundle leaves to Debian, and the package that has it (bookworm). A library missing here
# stops the build: add it with its package, and the package lands in Depends.
SYSTEM_PACKAGES = {
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6", "libpthread.so.0": "libc6",
    "libresolv.so.2": "libc6", "librt.so.1": "libc6", "libutil.so.1": "libc6", "ld-linux-x86-64.so.2": "libc6",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1",
    "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xkb.so.1": "libxcb-xkb1",
}
# Not libraries but needed at run time: the font configuration the bundled fontconfig reads (/etc/fonts).
EXTRA_DEPENDS = ("fontconfig-config",)


class BuildError(Exception):
    """A step failed; the message says what to do."""


def run(cmd: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=False, text=True, **kwargs)  # type: ignore[call-overload]


def need_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BuildError(f"`{name}` is not installed: run `sudo apt-get install -y {package}` and build again.")
    return path


# ---- the bundle -----------------------------------------------------------------------------------------------

def build_bundle() -> Path:
    """PyInstaller from packaging/returns-desk.spec, with the version and the build commit embedded."""
    info_file = WORK / "build_info.json"
    info = write_build_info(info_file, git_commit(ROOT) or "", dt.date.today().isoformat())
    print(f"building returns-desk {info.version} (build {info.commit})", flush=True)
    env = dict(os.environ, RETURNS_DESK_BUILD_INFO=str(info_file))
    done = run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                "--workpath", WORK / "work", "--distpath", WORK / "dist", PACKAGING / "returns-desk.spec"],
               env=env, cwd=ROOT)
    if done.returncode != 0:
        raise BuildError("PyInstaller failed (its output is above). Is it installed? "
                         "`.venv/bin/pip install -e '.[package]'`")
    return BUNDLE


def elf_files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


def needed_libraries(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def system_libraries(bundle: Path) -> set[str]:
    """The libraries bundled programs need that the bundle does not carry."""
    carried = {p.name for p in bundle.rglob("*")}
    return {lib for elf in elf_files(bundle) for lib in needed_libraries(elf) if lib not in carried}


def glibc_floor(bundle: Path) -> str:
    """The newest GLIBC_x.y symbol version any bundled object asks for (the libc6 version to depend on)."""
    best = (2, 17)
    for elf in elf_files(bundle):
        out = subprocess.run(["objdump", "-T", str(elf)], capture_output=True, text=True, check=False).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


def depends_line(bundle: Path) -> str:
    libs = system_libraries(bundle)
    unknown = sorted(lib for lib in libs if lib not in SYSTEM_PACKAGES)
    if unknown:
        raise BuildError("the bundle needs libraries it does not carry and that have no Debian package in "
                         f"packaging/build_package.py SYSTEM_PACKAGES: {', '.join(unknown)}. Bundle them (spec) "
                         "or add them with their package.")
    packages = sorted({SYSTEM_PACKAGES[lib] for lib in libs} - {"libc6"})
    return ", ".join([f"libc6 (>= {glibc_floor(bundle)})", *packages, *EXTRA_DEPENDS])


# ---- the .deb -------------------------------------------------------------------------------------------------

def site_config_source() -> Path:
    """The site configuration template (packaging/site, every setting commented) installed as the conffile."""
    return PACKAGING / "site" / "station.toml.example"


def install(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def gzip_to(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(dest, "wb", compresslevel=9, mtime=0) as out:  # mtime 0: reproducible, as lintian asks
        out.write(src.read_bytes())
    dest.chmod(0o644)


def changelog() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f"returns-desk ({__version__}) stable; urgency=medium\n\n"
            f"  * Release {__version__}, build {git_commit(ROOT) or 'unknown'}.\n\n"
            f" -- Returns Desk maintainers <returns-desk@example.org>  {stamp}\n")


def stage_tree(bundle: Path, root: Path) -> None:
    """Everything the package installs, laid out under `root` as it will be on the station."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    install(LINUX / "returns-desk.sh", root / "usr/bin/returns-desk", 0o755)
    install(LINUX / "returns-desk.desktop", root / "usr/share/applications/returns-desk.desktop")
    install(PACKAGING / "icons/returns-desk.svg", root / "usr/share/icons/hicolor/scalable/apps/returns-desk.svg")
    install(PACKAGING / "icons/returns-desk.png", root / "usr/share/icons/hicolor/256x256/apps/returns-desk.png")
    install(site_config_source(), root / SITE_CONFIG)
    install(LINUX / "copyright", root / "usr/share/doc/returns-desk/copyright")
    install(LINUX / "lintian-overrides", root / "usr/share/lintian/overrides/returns-desk")
    gzip_to(LINUX / "returns-desk.1", root / "usr/share/man/man1/returns-desk.1.gz")
    log = WORK / "changelog"
    log.write_text(changelog(), encoding="utf-8")
    gzip_to(log, root / "usr/share/doc/returns-desk/changelog.gz")
    normalise_modes(root)


def normalise_modes(root: Path) -> None:
    """Folders 755; programs (ELF executables, scripts) 755; everything else, shared libraries too, 644: what
    dpkg and lintian expect, whatever modes the wheels shipped their files with."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or is_program(path) else 0o644)


def is_program(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(18)
    if head.startswith(b"#!"):
        return True
    # ELF type at offset 16: 2 = executable; 3 = shared object, which is also what a PIE program is, so a
    # shared object counts as a program only when it is not named like a library.
    if not head.startswith(b"\x7fELF") or len(head) < 18:
        return False
    elf_type = int.from_bytes(head[16:18], "little")
    return elf_type == 2 or (elf_type == 3 and ".so" not in path.name)


def installed_size_kib(root: Path) -> int:
    return sum((p.stat().st_size + 1023) // 1024 for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def write_control(root: Path, depends: str) -> None:
    meta = root / "DEBIAN"
    meta.mkdir(parents=True, exist_ok=True)
    control = (LINUX / "control.in").read_text(encoding="utf-8")
    control = (control.replace("@VERSION@", __version__).replace("@DEPENDS@", depends)
               .replace("@INSTALLED_SIZE@", str(installed_size_kib(root))))
    (meta / "control").write_text(control, encoding="utf-8")
    (meta / "conffiles").write_text(f"/{SITE_CONFIG}\n", encoding="utf-8")
    install(LINUX / "postrm", meta / "postrm", 0o755)
    sums = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and meta not in path.parents:
            sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root)}\n")  # noqa: S324
    (meta / "md5sums").write_text("".join(sums), encoding="utf-8")
    for path in meta.iterdir():
        path.chmod(0o755 if path.name == "postrm" else 0o644)


def build_deb(bundle: Path) -> Path:
    need_tool("dpkg-deb", "dpkg")
    depends = depends_line(bundle)
    root = WORK / "deb-root"
    stage_tree(bundle, root)
    write_control(root, depends)
    DIST.mkdir(exist_ok=True)
    deb = DIST / f"returns-desk_{__version__}_amd64.deb"
    done = run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb])
    if done.returncode != 0:
        raise BuildError("dpkg-deb could not build the package (its output is above).")
    return deb


# ---- checks and the Windows installer script -------------------------------------------------------------------

def run_lintian(deb: Path) -> None:
    """lintian with the package's overrides (each one explained there and in docs/installing.md)."""
    need_tool("lintian", "lintian")
    report = WORK / "lintian.txt"
    done = run(["lintian", "--tag-display-limit", "0", "--fail-on", "error,warning", deb],
               capture_output=True)
    report.write_text(done.stdout + done.stderr, encoding="utf-8")
    print(done.stdout + done.stderr, end="")
    if done.returncode != 0:
        raise BuildError(f"lintian found errors or warnings (above, and in {report}): fix them, or override "
                         "one in packaging/linux/lintian-overrides with the reason, and explain it in "
                         "docs/installing.md.")


def compile_nsis(bundle: Path) -> Path:
    """makensis on packaging/windows/returns-desk.nsi around the Linux bundle: proves the script is valid.

    The result is not an installer for Windows (it holds Linux binaries): it goes to build/, never to dist/.
    """
    need_tool("makensis", "nsis")
    out = WORK / "nsis" / f"ReturnsDesk-setup-{__version__}-SCRIPT-CHECK-linux-bundle.exe"
    out.parent.mkdir(parents=True, exist_ok=True)
    done = run(["makensis", "-V2", "-WX", f"-DVERSION={__version__}", f"-DBUNDLE_DIR={bundle}",
                f"-DOUTFILE={out}", "-DCOMPRESSOR=zlib",
                PACKAGING / "windows" / "returns-desk.nsi"])
    if done.returncode != 0:
        raise BuildError("makensis rejected packaging/windows/returns-desk.nsi (its output is above).")
    return out


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reuse-bundle", action="store_true", help="package the bundle already built")
    parser.add_argument("--no-lintian", action="store_true")
    parser.add_argument("--no-nsis", action="store_true")
    args = parser.parse_args(argv)
    try:
        bundle = BUNDLE if args.reuse_bundle and BUNDLE.is_dir() else build_bundle()
        deb = build_deb(bundle)
        if not args.no_lintian:
            run_lintian(deb)
        nsis = None if args.no_nsis else compile_nsis(bundle)
    except BuildError as exc:
        print(f"package: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"bundle  {bundle}  {folder_size(bundle) / 1e6:.1f} MB")
    print(f"package {deb}  {deb.stat().st_size / 1e6:.1f} MB")
    if nsis is not None:
        print(f"nsis    {nsis}  (script check only: Linux binaries inside)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
