"""What an evaluation hands back: findings, with the likely fix and an agency's reason.

``suggestions`` and ``acknowledged`` are optional: they are left out of the JSON when a
finding has none, so the stored findings and every response keep one shape.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from app.types import UNIT_ITEMS, UNIT_OF_CELL, in_unit

Severity: TypeAlias = Literal["error", "warning"]


def _absent(value: object) -> bool:
    return value is None


class Suggestion(BaseModel):
    """One cell whose single change would satisfy every broken identity of its table."""

    model_config = ConfigDict(frozen=True)

    pointer: str = Field(
        description="单元格（JSON Pointer）/ The cell, as a JSON Pointer",
        examples=["/applications/new_received/natural_person"],
    )
    value: int = Field(
        json_schema_extra=in_unit(UNIT_ITEMS),
        description="建议的值 / The value that mends every identity",
        examples=[21],
    )


class Acknowledged(BaseModel):
    """The reason the agency gave for publishing with this warning."""

    model_config = ConfigDict(frozen=True)

    reason: str = Field(description="说明 / The agency's reason", examples=["本年新增两个窗口"])


class Finding(BaseModel):
    """One rule failure in one report."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="规则代码 / Rule code", examples=["applications.balance"])
    severity: Severity = Field(
        description="严重程度：error 错误（勾稽关系不成立），warning 提示 / "
        "error (an identity fails) or warning (plausibility)"
    )
    message: str = Field(
        description="说明，含实际算式 / Explanation with the actual arithmetic",
        examples=["自然人：本年新收(21)+上年结转(0) ≠ 办理结果总计(20)+结转下年度(0)，相差 1"],
    )
    cells: list[str] = Field(
        description="涉及的单元格（JSON Pointer）/ Cells involved, as JSON Pointers into the body",
        examples=[["/applications/new_received/natural_person"]],
    )
    expected: int | str | None = Field(
        json_schema_extra=in_unit(UNIT_OF_CELL),
        default=None,
        description="按规则应有的值 / The value the rule expects",
        examples=[21],
    )
    actual: int | str | None = Field(
        json_schema_extra=in_unit(UNIT_OF_CELL),
        default=None,
        description="报告中的值 / The value the report has",
        examples=[20],
    )
    suggestions: list[Suggestion] | None = Field(
        default=None,
        exclude_if=_absent,
        description="最可能填错的单元格及其应有值，仅在唯一时给出 / The cell whose single "
        "change mends every broken identity of its table, given only when it is the only one",
    )
    acknowledged: Acknowledged | None = Field(
        default=None,
        exclude_if=_absent,
        description="机关对该提示的说明（body 的 acknowledgements）/ The agency's reason for "
        "this warning, from the body's acknowledgements",
    )
