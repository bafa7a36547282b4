"""Storage: typed SQLAlchemy models, the engine factory, units of work and Alembic migrations."""
