"""Schema problems of a report body, each located by a JSON Pointer (RFC 6901)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.errors import SchemaProblem, SchemaValidationError, loc_to_pointer, schema_message
from app.formats.definitions import FORMATS

__all__ = ["ReportSchemaError", "SchemaProblem", "pointer_from_loc", "schema_problems"]

_UNION_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


class ReportSchemaError(SchemaValidationError):
    """A report body that does not fit its format's schema; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[SchemaProblem]) -> None:
        super().__init__(errors, detail=f"the report has {len(errors)} invalid field(s)")
        self.errors = list(errors)


def pointer_from_loc(loc: Sequence[int | str]) -> str:
    """The JSON Pointer of a pydantic error location inside a report body.

    The discriminated union on ``format`` reports the chosen tag as a location step, and the
    body has no such key: ``('body', '2019', 'proactive', …)`` → ``/proactive/…``.
    """
    parts = list(loc)
    start = 1 if parts and parts[0] == "body" else 0
    if len(parts) > start and parts[start] in FORMATS:
        del parts[start]
    return loc_to_pointer(parts)


def schema_problems(errors: Iterable[Mapping[str, Any]]) -> list[SchemaProblem]:
    """Pydantic (or FastAPI) error dicts as problems, in the order pydantic found them."""
    problems: list[SchemaProblem] = []
    for error in errors:
        pointer = pointer_from_loc(error["loc"])
        if error["type"] in _UNION_TAG_ERRORS:
            # The union reports a bad or missing tag at the object, not at the field.
            pointer += "/format"
        problems.append(SchemaProblem(pointer=pointer, message=_message(error)))
    return problems


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] in _UNION_TAG_ERRORS:
        return "must be one of: " + ", ".join(f'"{key}"' for key in FORMATS)
    return schema_message(error)
