"""Refuse request bodies over the configured size before anything parses them."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, render_problem

_REPORT_PATH = re.compile(r"^/api/v1/agencies/[^/]+/reports/[^/]+$")
UPLOAD_POSTS = frozenset({"/api/v1/imports", "/api/v1/reports/batch"})
_PAGE_UPLOAD_PATH = re.compile(r"^/file/[^/]+/[^/]+/upload$")  # the filing page's file input


def is_upload(scope: Scope) -> bool:
    """Routes that take documents and workbooks: the upload limit instead of the JSON one."""
    method, path = scope.get("method"), scope.get("path", "")
    if method == "POST" and (path in UPLOAD_POSTS or _PAGE_UPLOAD_PATH.match(path)):
        return True
    if method == "PUT" and _REPORT_PATH.match(path):
        content_type = _header(scope, b"content-type") or ""
        return not content_type.split(";")[0].strip().lower().endswith("json")
    return False


class BodySizeLimitMiddleware:
    def __init__(
        self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int | None = None
    ) -> None:
        self.app = app
        self.max_json_bytes = max_body_bytes
        self.max_upload_bytes = max(max_upload_bytes or max_body_bytes, max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if is_upload(scope) else self.max_json_bytes
        await self._limited(scope, receive, send, limit)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Chunked bodies have no Content-Length: stop reading once over the limit.
                    # An HTTPException, not PayloadTooLarge: FastAPI turns any other error
                    # raised while it reads the body into a 400. The handler renders both alike.
                    raise HTTPException(413, self._detail(limit))
            return message

        await self.app(scope, counting_receive, send)

    def _detail(self, limit: int) -> str:
        return f"the request body is larger than {limit} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        refusal = PayloadTooLarge(self._detail(limit))
        await render_problem(Request(scope), refusal)(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
