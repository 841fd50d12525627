"""Constrained types shared across domains: each constraint is written once, here."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeAlias

from fastapi import Path, Query
from pydantic import AfterValidator, Field, StringConstraints
from pydantic.config import JsonDict

YEAR_MIN, YEAR_MAX = 2008, 2100
"""Reports exist from the 2008 regulations on; 2100 bounds what a typo can store."""

AGENCY_CODE_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"

Lang: TypeAlias = Literal["zh", "en"]
"""The languages of messages: Chinese (the reports' language) or English."""


def language(tag: str) -> Lang:
    """``en``, ``en-GB``… give English; anything else Chinese, the language of the reports."""
    return "en" if tag.strip().lower().split("-")[0] == "en" else "zh"


Year: TypeAlias = Annotated[int, Field(strict=True, ge=YEAR_MIN, le=YEAR_MAX)]
YearPath: TypeAlias = Annotated[
    int,
    Path(
        ge=YEAR_MIN,
        le=YEAR_MAX,
        description="Report year (the statistics period).",
        examples=[2020],
    ),
]
YearQuery: TypeAlias = Annotated[
    int, Query(ge=YEAR_MIN, le=YEAR_MAX, description="Report year.", examples=[2024])
]

AgencyCode: TypeAlias = Annotated[
    str,
    StringConstraints(pattern=AGENCY_CODE_PATTERN),
    AfterValidator(lambda code: code if code.strip(".") else _dots_only(code)),
    Field(
        description="Stable code of the agency: a 统一社会信用代码, an administrative division "
        "code, or any 1–64 of `A-Z a-z 0-9 . _ -`.",
        examples=["640181"],
    ),
]
AgencyCodePath: TypeAlias = Annotated[
    str, Path(description="Code of the agency.", examples=["640181"])
]


def _dots_only(code: str) -> str:
    raise ValueError("must not be made of dots only (it would read as a path)")


def is_agency_code(value: str) -> bool:
    """Whether ``value`` could be an agency's code; anything else names no agency."""
    return _AGENCY_CODE.fullmatch(value) is not None and value.strip(".") != ""


_AGENCY_CODE = re.compile(AGENCY_CODE_PATTERN)


def displayable(value: str) -> str:
    # Control, format (zero-width, bidirectional overrides) and unassigned characters make a
    # name show as something else (测试\u202e局府政 shows as 测试政府局); PostgreSQL text
    # cannot hold NUL at all.
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Cn", "Co", "Cs"):
            raise ValueError(f"must not contain the invisible character U+{ord(char):04X}")
    return value


DisplayText: TypeAlias = Annotated[str, AfterValidator(displayable)]
"""One line of text shown to people: no control, zero-width or bidirectional characters."""


def as_utc(value: datetime) -> datetime:
    """The timestamp in UTC: SQLite hands back naive datetimes, and the service stores UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDatetime: TypeAlias = Annotated[datetime, AfterValidator(as_utc)]


# Units, named in the OpenAPI document as `x-unit` beside every count and amount, so an
# integrator never has to guess whether a number is 件, 万元 or 元 (docs/spelling.md).
UNIT_ITEMS = "件"
"""Applications, documents, decisions, cases: what the report tables count."""
UNIT_10K_YUAN = "万元"
"""The tables' amounts (10,000 yuan)."""
UNIT_YUAN = "元"
"""Information processing fees (`fees_collected_yuan`), as the field's name says."""
UNIT_AGENCIES = "个"
"""Agencies (机关) counted in a subtree."""
UNIT_REPORTS = "份"
"""Reports counted."""
UNIT_FINDINGS = "条"
"""Findings of the rules."""
UNIT_OF_CELL = "件|万元"
"""A value whose unit is the cell's: 件 for counts and changes, 万元 for amounts."""


def in_unit(unit: str) -> JsonDict:
    """The schema extension naming ``unit``: pass as a field's ``json_schema_extra``."""
    return {"x-unit": unit}


def deprecated_for(replacement: str) -> JsonDict:
    """The schema of a field kept one release beside ``replacement``, which it duplicates."""
    return {"deprecated": True, "x-replaced-by": replacement}
