"""Engine and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, DateTime, Dialect, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel
from starlette.concurrency import run_in_threadpool

from app.ops.pool_ping import ping_when_idle

# Predictable constraint names, so migrations can drop and alter them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


P = ParamSpec("P")
R = TypeVar("R")
SQLITE_IMMEDIATE = "disclosure_sqlite_immediate"
SQLITE_NO_TRANSACTION = "disclosure_sqlite_no_transaction"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases (SQLite keeps no zone: add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC timestamps only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Timestamps(SQLModel):
    """``created_at`` and ``updated_at`` of a row, timezone-aware UTC on both databases."""

    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"nullable": False}
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"nullable": False}
    )


def row_id(row: SQLModel) -> int:
    """The primary key of a row already flushed to the database."""
    value = getattr(row, "id", None)
    if value is None:
        raise RuntimeError(f"{type(row).__name__} has no id before it is flushed")
    return int(value)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer; busy_timeout makes writers queue, not fail.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Hand transaction control to SQLAlchemy's "begin" event below instead of pysqlite.
    dbapi_connection.isolation_level = None


def _begin_sqlite(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails with SQLITE_BUSY instead of
    # waiting; write use cases take the write lock at BEGIN so concurrent writers queue.
    options = connection.get_execution_options()
    if options.get(SQLITE_NO_TRANSACTION, False):
        return  # read_connection: the driver runs each statement in its own transaction
    immediate = options.get(SQLITE_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_size=8,
            max_overflow=8,
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # JIT compiles a summary's aggregate (~50 ms once its cost estimate passes jit_above_cost)
    # for longer than the query runs; nothing this service asks repays it.
    no_jit = {} if "options" in parsed.query else {"options": "-c jit=off"}
    engine = create_engine(url, pool_size=10, max_overflow=10, connect_args=no_jit)
    ping_when_idle(engine)  # not pool_pre_ping, a round trip per request: app/ops/pool_ping.py
    return engine


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reads that need no transaction: each is one statement, or reads rows
    that never change once written (a revision's cells). No BEGIN before the query and no
    ROLLBACK after it: on PostgreSQL, autocommit (SELECT 1 through the pool: 208 against 401
    µs of wall clock, 150 against 230 µs of CPU); on SQLite, no BEGIN from ``_begin_sqlite``
    (the driver is in autocommit already: pysqlite's own transactions are off)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        else:
            connection = connection.execution_options(**{SQLITE_NO_TRANSACTION: True})
        yield connection


async def run_read(
    bind: Engine | Connection, read: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run a synchronous read from async code: on the event loop on SQLite, which answers
    in microseconds and, under WAL, never waits for a writer — less than a hop to a worker
    thread and back (~120 µs of CPU here); in the thread pool elsewhere, since a network
    round trip must not hold the loop up."""
    if bind.dialect.name == "sqlite":
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)


def begin_write(session: Session) -> Connection:
    """Start a write use case's transaction; on SQLite it holds the write lock from BEGIN.

    The reads that decide the write (an If-Match check, the next revision number) must
    happen after it, under the same lock. A read-only transaction still open from earlier
    reads (loading the agency of the request) is ended first; one with unflushed changes is
    a bug, refused. On SQLite the writers of one process first queue on a Python lock,
    released when the transaction ends: a waiting thread wakes as soon as the lock is free,
    where SQLite's busy handler sleeps and retries.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write: the session has unsaved changes")
        session.commit()  # read-only: ends the snapshot, writes nothing
    _join_sqlite_writer_queue(session)
    try:
        return session.connection(execution_options={SQLITE_IMMEDIATE: True})
    except BaseException:
        _leave_sqlite_writer_queue(session)
        raise


_WRITER_QUEUE = "disclosure_sqlite_writer_queue"
# Past SQLite's busy_timeout, stop queueing in process and let SQLite's busy handler decide
# (as before the queue existed) rather than wait forever on a session that was never ended.
WRITER_QUEUE_TIMEOUT = 30.0
_writer_queues: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_writer_queues_guard = threading.Lock()


def _join_sqlite_writer_queue(session: Session) -> None:
    engine = session.get_bind()
    if not isinstance(engine, Engine) or engine.dialect.name != "sqlite":
        return  # PostgreSQL writers queue per report on an advisory lock
    with _writer_queues_guard:
        queue = _writer_queues.setdefault(engine, threading.Lock())
    if queue.acquire(timeout=WRITER_QUEUE_TIMEOUT):
        session.info[_WRITER_QUEUE] = queue


def _leave_sqlite_writer_queue(session: OrmSession) -> None:
    queue = session.info.pop(_WRITER_QUEUE, None)
    if queue is not None:
        queue.release()


@event.listens_for(OrmSession, "after_transaction_end")
def _end_of_transaction(session: OrmSession, transaction: SessionTransaction) -> None:
    # After COMMIT or ROLLBACK reached SQLite, whether the use case, an error or the
    # session's close ended it. A savepoint's end is not the transaction's.
    if transaction.parent is None:
        _leave_sqlite_writer_queue(session)


def write_use_case(
    function: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Roll a failed write use case back at once.

    The session's own teardown runs only after the response is sent (FastAPI ≥ 0.118); until
    then an open transaction would keep holding SQLite's write lock (taken at BEGIN IMMEDIATE)
    or PostgreSQL's advisory lock while the error response goes out.
    """

    @functools.wraps(function)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise

    return run


async def get_session(request: Request) -> AsyncIterator[Session]:
    # A coroutine, not a thread-pool round trip on the way in and out: opening a Session does
    # no I/O (it connects on first use) and closing it only returns the connection to the pool.
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
