"""The hottest requests answered before FastAPI's routing and dependency solving: the
anonymous section and summary GETs, and the JSON PUT of a report (app/reports/put_shortcut.py).

A portal asks for the same sections and summaries over and over, mostly with If-None-Match.
Each answer is one query and a cached body, yet going through the framework — routing
through every route, solving the dependency graph, a thread-pool hop — cost three times
that (bench/middleware_cost.py). A shortcut answers only what it is sure of: a GET without
credentials whose path and query it fully understands, answered by the route's own code
(``answer`` is the function the route calls). Anything else — a token, an odd parameter, an
unknown agency or report, any problem the route would answer — goes on to the route, which
answers it exactly as always, so the two can never disagree about an error.

A write shortcut (``WriteShortcut``) stands in for one write route the same way: it declines,
before reading anything, what it does not fully understand, and otherwise answers with the
route's own functions, its problems rendered as the route's exception handler renders them.

Inside the edge middleware (request id, metrics, rate limit) and CORS, so those apply alike.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from sqlalchemy import Connection, Engine
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.db import read_connection, run_read
from app.errors import ProblemError


@dataclass(frozen=True)
class ReadRequest:
    """What a shortcut may look at: the path's groups, the query, If-None-Match."""

    path: re.Match[str]
    query: dict[str, str]
    if_none_match: str | None


Answer = Callable[[Connection, ReadRequest], Response | None]


@dataclass(frozen=True)
class RouteName:
    """What a matched route leaves in the scope for the metrics: its path template."""

    path: str


@dataclass(frozen=True)
class Shortcut:
    route: RouteName  # the route it stands in for
    pattern: re.Pattern[str]
    query_names: frozenset[str]  # any other query parameter: the route answers
    answer: Answer  # None: the route answers


# Answers the request and returns True, or returns False having read nothing of it.
WriteHandler = Callable[[Scope, Receive, Send, re.Match[str]], Awaitable[bool]]


@dataclass(frozen=True)
class WriteShortcut:
    route: RouteName  # the route it stands in for
    method: str
    pattern: re.Pattern[str]
    handle: WriteHandler


class ShortcutMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: Engine,
        shortcuts: Sequence[Shortcut],
        writes: Sequence[WriteShortcut] = (),
    ) -> None:
        self.app = app
        self.engine = engine
        self.shortcuts = tuple(shortcuts)
        self.writes = tuple(writes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            answered = await (
                self._read(scope, receive, send)
                if scope["method"] == "GET"
                else self._write(scope, receive, send)
            )
            if answered:
                return
        await self.app(scope, receive, send)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> bool:
        found = self._match(scope)
        if found is None:
            return False
        shortcut, request = found
        response = await run_read(self.engine, self._answer, shortcut, request)
        if response is None:
            return False
        scope["route"] = shortcut.route  # what the metrics label it by
        await response(scope, receive, send)
        return True

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> bool:
        for write in self.writes:
            matched = write.pattern.fullmatch(scope["path"])
            if scope["method"] != write.method or matched is None:
                continue
            scope["route"] = write.route  # what the metrics label it by
            if await write.handle(scope, receive, send, matched):
                return True
            scope.pop("route")  # the router sets its own
        return False

    def _match(self, scope: Scope) -> tuple[Shortcut, ReadRequest] | None:
        path: str = scope["path"]
        for shortcut in self.shortcuts:
            matched = shortcut.pattern.fullmatch(path)
            if matched is None:
                continue
            if_none_match = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    return None  # the caller's rights are the dependencies' to decide
                if name == b"if-none-match" and if_none_match is None:
                    if_none_match = value.decode("latin-1")
            query = _query(scope["query_string"], shortcut.query_names)
            if query is None:
                return None
            return shortcut, ReadRequest(matched, query, if_none_match)
        return None

    def _answer(self, shortcut: Shortcut, request: ReadRequest) -> Response | None:
        with read_connection(self.engine) as connection:
            try:
                return shortcut.answer(connection, request)
            except ProblemError:
                return None  # the route answers it, in its own words


def _query(raw: bytes, names: frozenset[str]) -> dict[str, str] | None:
    """The query as Starlette reads it, or None when a name is unknown or given twice."""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True) if raw else []
    query = dict(pairs)
    if len(query) != len(pairs) or not names.issuperset(query):
        return None
    return query
