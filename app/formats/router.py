"""Discovery endpoints: the report formats and the rule catalogue."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import Query

from app.agencies.dependencies import public_read_router
from app.errors import NotFoundError, problem_responses
from app.formats.definitions import FORMATS
from app.formats.rules import RulePublic, rule_catalogue
from app.formats.sections import (
    FormatDefinition,
    FormatSummary,
    format_definition,
    format_summary,
)

router = public_read_router(tags=["formats"])

# Built from the definitions so a new format is accepted here without editing this file.
FormatId = StrEnum("FormatId", {format_id: format_id for format_id in FORMATS})  # type: ignore[misc]


@router.get("/formats", summary="The report formats")
def list_formats() -> list[FormatSummary]:
    return [format_summary(fmt) for fmt in FORMATS.values()]


@router.get(
    "/formats/{format_id}",
    summary="One format: sections, rows and columns in order",
    responses=problem_responses(404),
)
def get_format(format_id: str) -> FormatDefinition:
    fmt = FORMATS.get(format_id)
    if fmt is None:
        known = ", ".join(FORMATS)
        raise NotFoundError(f"unknown format {format_id!r} (known: {known})")
    return format_definition(fmt)


@router.get("/rules", summary="The rule catalogue", responses=problem_responses(422))
def list_rules(
    format: Annotated[
        FormatId | None,
        Query(description="只列出适用于该格式的规则 / Only the rules of this format"),
    ] = None,
) -> list[RulePublic]:
    return rule_catalogue(format.value if format is not None else None)
