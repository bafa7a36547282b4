"""Alembic environment. Run through app.db.migrate, which passes the connection in `config.attributes`."""

from __future__ import annotations

from alembic import context

from app.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic without app.db.migrate
    raise RuntimeError("run migrations with `returns-desk db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
