"""Site rules and checklist files: published centrally after a full check, pulled by every station.

`returns-desk --db CENTRAL rules publish` checks the site folders (`rules_dir`, `checklists_dir`: every file
valid, every example gives its result) and only then stores them in `site_file`. Stations pull them like
other master data and write them to their data folder (`site/rules`, `site/checklists`), which a station
in station mode uses at its next start when it has no `rules_dir`/`checklists_dir` of its own. A record
keeps the checklist id and version it was graded with, so a new version never changes old records.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.config import data_dir
from app.db.models import SiteFile
from app.db.uow import Database
from app.domain.rules_check import check_all
from app.errors import ConfigError

KINDS = ("rules", "checklists")


def site_dir() -> Path:
    return data_dir() / "site"


def publish(central: Database, rules_dir: Path | None, checklists_dir: Path | None) -> list[str]:
    """Store the site folders' TOML files centrally. Returns the names stored; refuses files with problems."""
    if rules_dir is None and checklists_dir is None:
        raise ConfigError("Nothing to publish: set rules_dir and/or checklists_dir to the site folders.")
    problems = check_all(rules_dir, checklists_dir)
    if problems:
        raise ConfigError("Not published, the stations would refuse to start with these files:\n"
                          + "\n".join(problems))
    stored = []
    with central.unit_of_work() as uow:
        for kind, folder in (("rules", rules_dir), ("checklists", checklists_dir)):
            if folder is None:
                continue
            for path in sorted(folder.glob("*.toml")):
                content = path.read_text(encoding="utf-8")
                row = uow.session.scalars(select(SiteFile).where(SiteFile.kind == kind,
                                                                 SiteFile.name == path.name)).one_or_none()
                if row is None:
                    uow.session.add(SiteFile(kind=kind, name=path.name, content=content))
                elif row.content != content:
                    row.content = content  # onupdate stamps updated_at: stations pull it
                else:
                    continue
                stored.append(f"{kind}/{path.name}")
    return stored


def write_pulled_files(local: Database, target: Path) -> int:
    """Write the pulled site files into `target/<kind>/`; returns how many changed on disk."""
    changed = 0
    with local.unit_of_work() as uow:
        rows = [(f.kind, f.name, f.content) for f in uow.session.scalars(select(SiteFile))]
    for kind, name, content in rows:
        if kind not in KINDS or Path(name).name != name or not name.endswith(".toml"):
            continue  # only plain file names of the two kinds: never a path out of the folder
        path = target / kind / name
        if path.is_file() and path.read_text(encoding="utf-8") == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        changed += 1
    return changed


def pulled_folder(kind: str, target: Path | None = None) -> Path | None:
    folder = (target or site_dir()) / kind
    return folder if folder.is_dir() and any(folder.glob("*.toml")) else None
