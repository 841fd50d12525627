"""Conditional GETs: ETags in, 304 out, the same way on every read route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from fastapi.responses import Response

IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        description="ETag the caller holds; 304 when it is still current.",
        examples=['"r1"'],
    ),
]


def not_modified(if_none_match: str | None, etag: str) -> bool:
    return if_none_match is not None and (
        if_none_match.strip() == "*" or etag in (tag.strip() for tag in if_none_match.split(","))
    )


def not_modified_response(if_none_match: str | None, etag: str) -> Response | None:
    """A 304 when the caller already holds ``etag``, else None (answer in full)."""
    if not_modified(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return None
