"""Refuse request bodies over the configured size before anything parses them.

Applied by ``app.http.edge``: a declared Content-Length over the limit is refused before the
route runs, a chunked body once its bytes pass the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope

from app.errors import PayloadTooLarge

_REPORT_PATH = re.compile(r"^/api/v1/agencies/[^/]+/reports/[^/]+$")
UPLOAD_POSTS = frozenset({"/api/v1/imports", "/api/v1/reports/batch"})
_PAGE_UPLOAD_PATH = re.compile(r"^/file/[^/]+/[^/]+/upload$")  # the filing page's file input


def is_upload(scope: Scope, content_type: bytes | None) -> bool:
    """Routes that take documents and workbooks: the upload limit instead of the JSON one."""
    method, path = scope.get("method"), scope.get("path", "")
    if method == "POST" and (path in UPLOAD_POSTS or _PAGE_UPLOAD_PATH.match(path)):
        return True
    if method == "PUT" and _REPORT_PATH.match(path):
        media_type = (content_type or b"").decode("latin-1").split(";")[0].strip().lower()
        return not media_type.endswith("json")
    return False


@dataclass(frozen=True)
class BodyLimits:
    max_json_bytes: int
    max_upload_bytes: int

    @classmethod
    def of(cls, max_body_bytes: int, max_upload_bytes: int | None = None) -> BodyLimits:
        return cls(max_body_bytes, max(max_upload_bytes or max_body_bytes, max_body_bytes))

    def limit_for(self, scope: Scope, content_type: bytes | None) -> int:
        return self.max_upload_bytes if is_upload(scope, content_type) else self.max_json_bytes

    def refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> PayloadTooLarge | None:
        """A 413 when the declared Content-Length is over the limit, else None."""
        limit = self.limit_for(scope, headers.get(b"content-type"))
        declared = _content_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            return PayloadTooLarge(_detail(limit))
        return None


def counting_receive(receive: Receive, limit: int) -> Receive:
    """``receive``, raising a 413 once the body read passes ``limit`` bytes."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # Chunked bodies have no Content-Length: stop reading once over the limit.
                # An HTTPException, not PayloadTooLarge: FastAPI turns any other error
                # raised while it reads the body into a 400. The handler renders both alike.
                raise HTTPException(413, _detail(limit))
        return message

    return counted


def _detail(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


def _content_length(value: bytes | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
