"""Unit of work: `with db.unit_of_work() as uow:` commits on success and rolls back on error.

Repositories and services never commit by themselves; ORM objects never leave the block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import READ_ONLY, describe_url, make_engine, make_session_factory
from app.db.failures import database_failure
from app.db.identity import FileIdentity, sqlite_file


@dataclass
class UnitOfWork:
    session: Session


class Database:
    """One database: its engine and a unit-of-work factory. Passed to services through constructors."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = sqlite_file(url)
        # An SQLite file's identity, checked at every transaction and before every commit (app/db/identity.py).
        self.file: FileIdentity | None = FileIdentity(path) if path is not None else None
        self.engine: Engine = make_engine(url, self.file)
        self._sessions: sessionmaker[Session] = make_session_factory(self.engine)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory, for session event hooks (the sync outbox writer)."""
        return self._sessions

    @property
    def description(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def unit_of_work(self, read_only: bool = False) -> Iterator[UnitOfWork]:
        """`read_only`: the block only reads (SQLite then does not take the write lock for it)."""
        session = self._sessions()
        try:
            if read_only:
                session.connection(execution_options={READ_ONLY: True})
            yield UnitOfWork(session)
            if self.file is not None:
                self.file.check()  # deleted during the step: roll back rather than acknowledge into it
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise database_failure(exc, self.description, self.file.path if self.file else None) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
