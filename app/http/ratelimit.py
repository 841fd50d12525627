"""Per-caller request rate limit, so one caller cannot exhaust the service.

A token bucket per caller: the bearer token (hashed, never stored in clear) or, for anonymous
callers, the client address. Buckets live in each process: with N replicas behind a balancer a
caller gets at most N times the limit. That is deliberate — the limit protects each replica's
CPU and database connections, and keeping buckets in PostgreSQL would cost a write per request.
An ingress rate limit can enforce a global figure on top.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import TooManyRequests, render_problem

MAX_TRACKED_CALLERS = 50_000
# Operations endpoints are polled by orchestrators and scrapers; never throttle them.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst or per_minute)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, caller: str, now: float) -> float:
        """Take one token; returns 0 when allowed, else the seconds until one is available."""
        tokens, updated = self._buckets.pop(caller, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - updated) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[caller] = (tokens, now)
        if len(self._buckets) > MAX_TRACKED_CALLERS:
            self._buckets.popitem(last=False)  # forget the least recently seen caller
        return wait


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(_caller(scope), time.monotonic())
        if wait == 0:
            await self.app(scope, receive, send)
            return
        refusal = TooManyRequests(retry_after_seconds=max(1, math.ceil(wait)))
        await render_problem(Request(scope), refusal)(scope, receive, send)


def _caller(scope: Scope) -> str:
    for key, value in scope["headers"]:
        if key == b"authorization":
            return "token:" + hashlib.sha256(value).hexdigest()[:32]
    client = scope.get("client")
    return "address:" + (client[0] if client else "unknown")
