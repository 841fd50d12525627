"""Strict JSON request bodies for routes that validate the body themselves.

``json.loads`` would accept NaN and Infinity, keep the last of duplicate keys, and blow the
stack on deeply nested input; a statistics service answers each of those with a 422 naming
the problem instead.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.errors import SchemaProblem, SchemaValidationError
from app.http.media_types import media_type_of

JSON_MEDIA_TYPE = "application/json"
MAX_DEPTH = 32


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Built in C, then the count compared: a loop in Python cost a fifth of parsing a batch.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result


# Bracket nesting in the raw bytes (UTF-8 never hides an ASCII byte inside a character),
# without a Python loop over every byte: that loop cost more than parsing the body.
_ESCAPED_QUOTE = b'\\"'
_ALL_BUT_QUOTES_AND_BRACKETS = bytes(set(range(256)) - set(b'"[]{}'))
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*+(?:"|\\?\Z)', re.DOTALL)  # unterminated: to the end
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _depth(raw: bytes) -> int:
    """How deep brackets outside strings nest; a bracket inside a string does not count."""
    brackets = _brackets_outside_strings(raw)
    return max(accumulate(map(_NESTING.__getitem__, brackets), initial=0))


def _brackets_outside_strings(raw: bytes) -> bytes:
    if _ESCAPED_QUOTE not in raw:
        # Every quote opens or closes a string: a string without brackets shrinks to '""'.
        # If no quote is left, no string held a bracket and what is left is the brackets.
        left = raw.translate(None, _ALL_BUT_QUOTES_AND_BRACKETS).replace(b'""', b"")
        if b'"' not in left:
            return left
    return _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))


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
    if _depth(raw) > MAX_DEPTH:
        raise invalid(f"the body is nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except ValueError as exc:
        raise invalid(str(exc)) from None
    if not isinstance(value, dict):
        raise invalid("the body must be a JSON object")
    # Only an escape can put a NUL in a string (strict JSON refuses a raw one).
    if "\\u0000" in text and (pointer := _nul_in(value, "")) is not None:
        raise SchemaValidationError(
            [SchemaProblem(pointer=pointer, message="must not contain the NUL character")]
        )
    return value


def _nul_in(value: Any, pointer: str) -> str | None:
    """The JSON Pointer of the first key or string holding a NUL, which no database stores."""
    if isinstance(value, str):
        return pointer if "\x00" in value else None
    if not isinstance(value, dict | list):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
        if "\x00" in str(key):
            return here
        if (found := _nul_in(item, here)) is not None:
            return found
    return None


def _check_content_type(request: Request) -> None:
    if media_type_of(request.headers.get("content-type")) != JSON_MEDIA_TYPE:
        raise SchemaValidationError(
            [SchemaProblem(pointer="", message="send the body as application/json")],
            detail="Content-Type must be application/json",
        )


async def json_object(request: Request) -> dict[str, Any]:
    _check_content_type(request)
    return parse_json_object(await request.body())


JsonObjectDep = Annotated[dict[str, Any], Depends(json_object)]


def strict_model_body(model: type[BaseModel], *, required: bool = True) -> Any:
    """A dependency giving the body as ``model``, parsed as strictly as ``json_object``.

    Declare it after the caller's dependency: FastAPI parses a declared body before any
    dependency runs, so a body parameter would answer bad JSON before checking the token.
    """

    async def parse(request: Request) -> BaseModel | None:
        raw = await request.body()
        if not required and not raw.strip():
            return None
        _check_content_type(request)
        payload = parse_json_object(raw)
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
            ) from None

    return Depends(parse)


def model_request_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` documenting the body a ``strict_model_body`` dependency reads."""
    return {
        "requestBody": {
            "required": required,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def model_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """Component schemas of ``models`` and what they refer to, for the OpenAPI document."""
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas
