"""Conditional GETs: ETags in, 304 out, the same way on every read route (RFC 9110 §13.1.2).

If-None-Match compares weakly: ``W/"r1"`` matches ``"r1"`` (a proxy that compresses bodies
turns every ETag weak), and ``*`` matches any current representation.
"""

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
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    held = (_opaque(tag) for tag in if_none_match.split(","))
    return _opaque(etag) in held


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def not_modified_response(if_none_match: str | None, etag: str) -> Response | None:
    """A 304 when the caller already holds ``etag``, else None (answer in full)."""
    if not_modified(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return None
