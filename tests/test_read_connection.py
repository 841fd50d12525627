"""Reads that need no transaction run without one on PostgreSQL (app/db.py, read_connection),
and the pooled connection is handed back as it was, so writes still get their transaction."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from app.db import read_connection


def _one_transaction(connection: Connection) -> bool:
    # now() is the start of the transaction: statements of one transaction all see one value.
    first = connection.execute(text("SELECT now()")).scalar_one()
    connection.execute(text("SELECT pg_sleep(0.002)"))
    return bool(connection.execute(text("SELECT now()")).scalar_one() == first)


def _autocommit(connection: Connection) -> bool:
    return bool(connection.connection.dbapi_connection.autocommit)  # type: ignore[union-attr]


def test_a_read_connection_runs_each_statement_on_its_own(engine: Engine) -> None:
    with read_connection(engine) as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        if engine.dialect.name == "postgresql":
            assert _autocommit(connection)
            assert not _one_transaction(connection)
    with engine.connect() as connection:  # the same pooled connection, as it was
        if engine.dialect.name == "postgresql":
            assert not _autocommit(connection)
            assert _one_transaction(connection)
