"""A Content-Type header's media type, as every route that branches on it reads it."""

from __future__ import annotations


def media_type_of(content_type: str | None) -> str:
    """``application/json`` of ``Application/JSON; charset=utf-8``; "" without a header."""
    return (content_type or "").split(";")[0].strip().lower()
