"""PostgreSQL connections are pinged at checkout only after sitting idle
(app/ops/pool_ping.py), and one the server closed meanwhile is replaced, not handed to a
request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from app.ops.pool_ping import ping_when_idle
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL only: no URL given")


@pytest.fixture
def pings() -> list[int]:
    return []


def _engine(idle_seconds: float, pings: list[int]) -> Engine:
    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    ping_when_idle(engine, idle_seconds=idle_seconds)
    return engine


@pytest.fixture
def busy(pings: list[int]) -> Iterator[Engine]:
    engine = _engine(3600.0, pings)
    yield engine
    engine.dispose()


@pytest.fixture
def idle(pings: list[int]) -> Iterator[Engine]:
    engine = _engine(0.0, pings)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_in_use_a_moment_ago_is_not_pinged(busy: Engine, pings: list[int]) -> None:
    first = _backend_pid(busy)
    assert [_backend_pid(busy) for _ in range(3)] == [first] * 3
    assert pings == []


def test_an_idle_connection_the_server_closed_is_replaced(idle: Engine, pings: list[int]) -> None:
    closed = _backend_pid(idle)
    assert POSTGRES_URL is not None
    killer = create_engine(POSTGRES_URL)
    with killer.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": closed})
    killer.dispose()
    replaced = _backend_pid(idle)  # would raise OperationalError without the ping
    assert replaced != closed
    assert pings == [1]
    assert _backend_pid(idle) == replaced  # alive: pinged and kept
    assert pings == [1, 1]
