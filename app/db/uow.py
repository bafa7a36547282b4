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

from app.db.engine import describe_url, make_engine, make_session_factory
from app.errors import DatabaseUnavailable


@dataclass
class UnitOfWork:
    session: Session


class Database:
    """One database: its engine and a unit-of-work factory. Passed to services through constructors."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._sessions: sessionmaker[Session] = make_session_factory(self.engine)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory, for session event hooks (the sync outbox writer)."""
        return self._sessions

    @property
    def description(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        session = self._sessions()
        try:
            yield UnitOfWork(session)
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise DatabaseUnavailable(
                f"The database ({self.description}) could not be reached or is locked: {exc.orig}. "
                "Nothing was lost; try again, and if it persists call IT."
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
