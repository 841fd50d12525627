"""Strict JSON request bodies for routes that validate the body themselves.

``json.loads`` would accept NaN and Infinity, keep the last of duplicate keys, and blow the
stack on deeply nested input; a statistics service answers each of those with a 422 naming
the problem instead.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from app.errors import SchemaProblem, SchemaValidationError

MAX_DEPTH = 32


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json_object(raw: bytes) -> dict[str, Any]:
    def invalid(message: str) -> SchemaValidationError:
        return SchemaValidationError(
            [SchemaProblem(pointer="", message=message)],
            detail="the body is not a valid JSON object",
        )

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid(f"the body is not UTF-8 (byte {exc.start})") from None
    if _depth(text) > MAX_DEPTH:
        raise invalid(f"the body is nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except ValueError as exc:
        raise invalid(str(exc)) from None
    if not isinstance(value, dict):
        raise invalid("the body must be a JSON object")
    return value


async def json_object(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise SchemaValidationError(
            [SchemaProblem(pointer="", message="send the body as application/json")],
            detail="Content-Type must be application/json",
        )
    return parse_json_object(await request.body())


JsonObjectDep = Annotated[dict[str, Any], Depends(json_object)]
