"""What every request goes through before routing, as one pure-ASGI callable.

In order: a request id (the caller's X-Request-ID if sane, echoed back, on every log line),
the Prometheus count and latency, the anonymous rate limit (app/http/ratelimit.py), the body
size limit (app/http/body_limit.py), and — outermost for the route — a 500 problem for an
unhandled error, answered inside the request id. One callable rather than four stacked
middlewares: one pass over the headers and one wrapped ``send`` per request instead of four
(bench/middleware_cost.py measures what each layer costs the section GET).
"""

from __future__ import annotations

import time
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, TooManyRequests, internal_error, render_problem
from app.http import metrics
from app.http.body_limit import BodyLimits, counting_receive
from app.http.log import REQUEST_ID_HEADER, SAFE_REQUEST_ID, log_access, request_id_var
from app.http.ratelimit import EXEMPT_PATHS, RateLimits

_WANTED = frozenset({b"x-request-id", b"authorization", b"content-length", b"content-type"})


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, body_limits: BodyLimits, rate_limits: RateLimits | None):
        self.app = app
        self.body_limits = body_limits
        self.rate_limits = rate_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            if key in _WANTED:
                headers.setdefault(key, value)  # the first, as Starlette's Headers.get
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False
        id_header = (REQUEST_ID_HEADER.lower().encode("latin-1"), request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                MutableHeaders(scope=message).raw.append(id_header)
            await send(message)

        try:
            refusal = await self._refusal(scope, headers)
            if refusal is not None:
                await render_problem(Request(scope), refusal)(scope, receive, send_with_id)
                return
            limit = self.body_limits.limit_for(scope, headers.get(b"content-type"))
            await self.app(scope, counting_receive(receive, limit), send_with_id)
        except Exception as error:
            # Answered here, inside the request id (Starlette's outermost handler runs after it
            # is gone): the 500 and its log line carry the id, and the connection stays up.
            if started_response:
                raise
            await internal_error(Request(scope), error)(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            # The template, never the raw path: raw paths would make one series per agency.
            metrics.record(
                scope["method"], getattr(scope.get("route"), "path", "unmatched"), status, seconds
            )
            log_access(scope, status, seconds)
            request_id_var.reset(token)

    async def _refusal(
        self, scope: Scope, headers: dict[bytes, bytes]
    ) -> TooManyRequests | PayloadTooLarge | None:
        """A 429 for an anonymous caller over its limit, else a 413 for a declared body over
        the size limit, else None. Authenticated callers are limited per key once their token
        is known (``app.agencies.dependencies.get_caller``)."""
        limits = self.rate_limits
        if (
            limits is not None
            and b"authorization" not in headers
            and scope["path"] not in EXEMPT_PATHS
        ):
            caller = "address:" + limits.client_address(scope)
            try:
                if limits.callers.blocking:
                    await run_in_threadpool(limits.check_caller, caller)
                else:
                    limits.check_caller(caller)
            except TooManyRequests as refusal:
                return refusal
        return self.body_limits.refusal(scope, headers)
