"""Alembic environment: the URL comes from the caller's config or DISCLOSURE_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import load_settings
from app.db import create_db_engine, metadata

MIGRATION_LOCK = 7_160_001  # any constant: the advisory lock the replicas' migrations share
config = context.config
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", load_settings().database_url.replace("%", "%%"))


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    url = config.get_main_option("sqlalchemy.url") or ""
    # The service's own engine: same SQLite pragmas, and the file's folder is created.
    engine = create_db_engine(url.replace("%%", "%"))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Every replica's container migrates at start: the first takes this lock and
            # migrates, the others wait for it and then find the schema at head.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
