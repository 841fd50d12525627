"""Reads that need no transaction run without one (app/db.py, read_connection): no BEGIN on
either database, autocommit on PostgreSQL; the pooled connection is handed back as it was,
so writes still get their transaction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from app.db import read_connection


def _one_transaction(connection: Connection) -> bool:
    # now() is the start of the transaction: statements of one transaction all see one value.
    first = connection.execute(text("SELECT now()")).scalar_one()
    connection.execute(text("SELECT pg_sleep(0.002)"))
    return bool(connection.execute(text("SELECT now()")).scalar_one() == first)


def _autocommit(connection: Connection) -> bool:
    return bool(connection.connection.dbapi_connection.autocommit)  # type: ignore[union-attr]


def test_a_read_connection_sends_no_begin(engine: Engine) -> None:
    sent: list[str] = []

    def keep(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with read_connection(engine) as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
        with engine.connect() as connection:  # the same pooled connection, as it was
            connection.execute(text("SELECT 2"))
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    begin = [] if engine.dialect.name == "postgresql" else ["BEGIN"]  # psycopg's is implicit
    assert sent == ["SELECT 1", *begin, "SELECT 2"]


def test_on_postgresql_each_statement_is_its_own_transaction(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("autocommit is PostgreSQL's; SQLite's driver has no transactions of its own")
    with read_connection(engine) as connection:
        assert _autocommit(connection)
        assert not _one_transaction(connection)
    with engine.connect() as connection:
        assert not _autocommit(connection)
        assert _one_transaction(connection)
