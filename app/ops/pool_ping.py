"""Ping a pooled PostgreSQL connection at checkout only when it has sat idle.

``pool_pre_ping`` pings at every checkout: one more round trip on every request, as many as
a 304 costs in all. A connection handed back a moment ago is alive; one idle for a while may
have been closed by the server, a proxy or a failover. That one is pinged first and, if dead,
replaced: a ``DisconnectionError`` raised at checkout makes the pool throw the connection
away and check out a new one (SQLAlchemy's "pessimistic" disconnect handling).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

IDLE_SECONDS_BEFORE_PING = 5.0
_CHECKED_IN = "checked_in_at"


def ping_when_idle(engine: Engine, *, idle_seconds: float = IDLE_SECONDS_BEFORE_PING) -> None:
    def remember_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises for a closed connection
            raise DisconnectionError("the pooled connection is closed") from error

    event.listen(engine, "checkin", remember_checkin)
    event.listen(engine, "checkout", ping_if_idle)
