"""JSON views of the formats and of a report's tables, labelled and in the format's order."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pydantic_core
from pydantic import BaseModel, Field

from app.errors import NotFoundError
from app.formats.cells import CellValue
from app.formats.definitions import (
    FORMATS,
    CellKey,
    ColumnSpec,
    Label,
    ReportFormat,
    RowSpec,
    SectionSpec,
    ValueKind,
)
from app.formats.values import VALUE_UNITS
from app.types import UNIT_OF_CELL, deprecated_for, in_unit


class Text(BaseModel):
    """A heading in both languages, shaped as every label is: `label_zh` and `label_en`."""

    label_zh: str = Field(description="中文 / Chinese", examples=["（三）不予公开"])
    label_en: str = Field(description="英文 / English", examples=["(3) Not disclosed"])
    zh: str = Field(
        description="已弃用，同 `label_zh` / Deprecated: the same as `label_zh` (removed in the "
        "next release)",
        examples=["（三）不予公开"],
        json_schema_extra=deprecated_for("label_zh"),
    )
    en: str = Field(
        description="已弃用，同 `label_en` / Deprecated: the same as `label_en` (removed in the "
        "next release)",
        examples=["(3) Not disclosed"],
        json_schema_extra=deprecated_for("label_en"),
    )

    @classmethod
    def of(cls, label: Label) -> Text:
        return cls(label_zh=label.zh, label_en=label.en, zh=label.zh, en=label.en)


class ColumnDefinition(BaseModel):
    key: str = Field(description="列代码 / Column key", examples=["natural_person"])
    label_zh: str = Field(
        description="列名（官方中文）/ Official Chinese label", examples=["自然人"]
    )
    label_en: str = Field(description="列名（英文）/ English label", examples=["Natural person"])
    kind: ValueKind = Field(
        description="取值类型：count 非负整数，change 带符号整数，amount 万元金额（字符串）/ "
        "count: integer ≥ 0; change: signed integer; amount: decimal in 10,000 yuan, as a string"
    )
    is_total: bool = Field(description="是否为总计列 / Whether this is a total column")
    unit: str = Field(
        description="单位：件（件数、增减）或 万元（金额）/ Unit: 件 for counts and changes, "
        "万元 (10,000 yuan) for amounts",
        examples=["件"],
    )
    group: Text | None = Field(
        default=None, description="跨列表头（如 法人或其他组织）/ Header spanning several columns"
    )


class _RowHeading(BaseModel):
    key: str = Field(description="行代码 / Row key", examples=["withheld_state_secret"])
    label_zh: str = Field(
        description="行名（官方中文）/ Official Chinese label", examples=["1.属于国家秘密"]
    )
    label_en: str = Field(description="行名（英文）/ English label", examples=["State secret"])
    caption_zh: str | None = Field(
        default=None,
        description="条例条款（主动公开各行），其他行为 null / Article of the regulations the "
        "row reports under (proactive rows), in Chinese; null for other rows",
        examples=["第二十条第（一）项"],
    )
    caption_en: str | None = Field(
        default=None,
        description="条例条款（英文）/ The same article, in English; null for other rows",
        examples=["Article 20(1)"],
    )
    groups: list[Text] = Field(
        default_factory=list,
        description="所属分组标题，由外到内；分组本身没有单元格 / Enclosing group labels, "
        "outermost first; groups have no cells of their own",
    )
    role: str = Field(
        description="行在勾稽关系中的作用 / The row's part in the identities", examples=["result"]
    )
    caption: Text | None = Field(
        default=None,
        description="已弃用，同 `caption_zh`/`caption_en` / Deprecated: the same as "
        "`caption_zh` and `caption_en` (removed in the next release)",
        examples=[
            {
                "label_zh": "第二十条第（一）项",
                "label_en": "Article 20(1)",
                "zh": "第二十条第（一）项",
                "en": "Article 20(1)",
            }
        ],
        json_schema_extra=deprecated_for("caption_zh"),
    )


class RowDefinition(_RowHeading):
    columns: list[ColumnDefinition] = Field(description="各列，按顺序 / Columns, in order")


class SectionDefinition(BaseModel):
    key: str = Field(description="部分代码 / Section key", examples=["applications"])
    label_zh: str = Field(description="部分标题 / Chinese heading")
    label_en: str = Field(description="部分标题（英文）/ English heading")
    rows: list[RowDefinition] = Field(description="各行，按顺序 / Rows, in order")


class FormatSummary(BaseModel):
    id: str = Field(description="格式代码 / Format id", examples=["2021"])
    document_zh: str = Field(description="格式文件 / The State Council document defining it")
    document_en: str = Field(description="格式文件（英文）/ The document, in English")
    first_year: int = Field(
        description="适用的第一个报告年度 / First report year it is used for", examples=[2021]
    )
    last_year: int | None = Field(
        description="适用的最后一个报告年度，null 表示现行 / Last report year; null while in force",
        examples=[None],
    )


class FormatDefinition(FormatSummary):
    sections: list[SectionDefinition] = Field(description="各表格部分 / Table sections, in order")


class CellView(ColumnDefinition):
    value: int | str | None = Field(
        description="数值，单位见 `unit`；金额为字符串；null 表示未填报 / The value, in `unit` "
        "(amounts as strings); null when not reported",
        examples=[3],
        json_schema_extra=in_unit(UNIT_OF_CELL),
    )
    computed: bool = Field(
        default=False, description="由服务按各项之和计算 / Computed by the service from its parts"
    )


class RowView(_RowHeading):
    columns: list[CellView] = Field(description="各列及其数值 / Columns with their values")


class SectionView(BaseModel):
    format: str = Field(description="报告格式 / Report format", examples=["2019"])
    key: str = Field(description="部分代码 / Section key", examples=["reviews"])
    label_zh: str = Field(description="部分标题 / Chinese heading")
    label_en: str = Field(description="部分标题（英文）/ English heading")
    rows: list[RowView] = Field(description="各行，按格式顺序 / Rows, in the format's order")


def format_summary(fmt: ReportFormat) -> FormatSummary:
    return FormatSummary(
        id=fmt.id,
        document_zh=fmt.document.zh,
        document_en=fmt.document.en,
        first_year=fmt.first_year,
        last_year=fmt.last_year,
    )


def format_definition(fmt: ReportFormat) -> FormatDefinition:
    return FormatDefinition.model_validate(
        {
            **format_summary(fmt).model_dump(),
            "sections": [
                SectionDefinition(
                    key=section.key,
                    label_zh=section.label.zh,
                    label_en=section.label.en,
                    rows=[
                        RowDefinition.model_validate(
                            {
                                **_heading(row),
                                "columns": [_column(column) for column in row.columns],
                            }
                        )
                        for row in section.rows
                    ],
                )
                for section in fmt.sections
            ],
        }
    )


def render_section(
    fmt: ReportFormat,
    section: str,
    cells: Mapping[CellKey, CellValue],
    computed: frozenset[CellKey] = frozenset(),
) -> SectionView:
    """One table of a report as a portal shows it; cells missing from ``cells`` show null.

    Pass ``Evaluation.cells`` and ``Evaluation.computed`` to show computed totals, or
    ``to_cells(report)`` to show the report exactly as filed.
    """
    return SectionView.model_validate_json(section_json(fmt, section, cells, computed))


def section_json(
    fmt: ReportFormat,
    section: str,
    cells: Mapping[CellKey, CellValue],
    computed: frozenset[CellKey] = frozenset(),
) -> bytes:
    """The section's ``SectionView`` JSON: the one rendering of a section.

    A section's labels, kinds and groups never change: they are serialised once per format
    and section (``_template``); each call only writes the values and computed flags. (A
    section cache miss is the hot read's slow path; validating ~300 cell models per call
    took ten times as long.)
    """
    template = _template(fmt.id, section)
    rows = ",".join(
        row.opening + ",".join([_cell_json(cell, cells, computed) for cell in row.cells]) + "]}"
        for row in template.rows
    )
    return (template.opening + rows + "]}").encode()


@dataclass(frozen=True)
class _CellTemplate:
    key: CellKey
    opening: str  # the CellView object up to its value: '{"key":…,"group":null,"value":'


@dataclass(frozen=True)
class _RowTemplate:
    opening: str  # the RowView object up to its cells: '{"key":…,"role":"data","columns":['
    cells: tuple[_CellTemplate, ...]


@dataclass(frozen=True)
class _SectionTemplate:
    opening: str  # the SectionView object up to its rows: '{"format":…,"rows":['
    rows: tuple[_RowTemplate, ...]


_COMPUTED = ',"computed":true}'
_NOT_COMPUTED = ',"computed":false}'


def _cell_json(
    cell: _CellTemplate, cells: Mapping[CellKey, CellValue], computed: frozenset[CellKey]
) -> str:
    value = cells.get(cell.key)
    if value is None:
        written = "null"
    elif isinstance(value, Decimal):
        written = f'"{value}"'  # digits, a point and a sign: nothing to escape
    else:
        written = str(value)
    return cell.opening + written + (_COMPUTED if cell.key in computed else _NOT_COMPUTED)


@functools.cache  # by format id and section key: a format is immutable and its id names it
def _template(format_id: str, section: str) -> _SectionTemplate:
    # The fixed parts dumped by pydantic from the view models' own fields, so they are
    # exactly what SectionView writes: same fields, order and escaping.
    fmt = FORMATS[format_id]
    spec = _section(fmt, section)
    heading: dict[str, Any] = {"format": fmt.id, "key": spec.key, "label_zh": spec.label.zh}
    heading |= {"label_en": spec.label.en, "rows": None}
    return _SectionTemplate(
        opening=_opening(heading, "rows") + "[",
        rows=tuple(
            _RowTemplate(
                opening=_opening(
                    RowDefinition.model_validate({**_heading(row), "columns": []}).model_dump(
                        mode="json"
                    ),
                    "columns",
                )
                + "[",
                cells=tuple(
                    _CellTemplate(
                        key=(spec.key, row.key, column.key),
                        opening=_opening(
                            _column(column).model_dump(mode="json") | {"value": None}, "value"
                        ),
                    )
                    for column in row.columns
                ),
            )
            for row in spec.rows
        ),
    )


def _opening(fields: dict[str, Any], last: str) -> str:
    """The JSON object of ``fields`` up to the value of ``last``, which must be its last key."""
    if list(fields)[-1] != last:
        raise RuntimeError(f"{last!r} must be the last field of the view to be filled in")
    head = {key: value for key, value in fields.items() if key != last}
    return pydantic_core.to_json(head).decode()[:-1] + f',"{last}":'


def _section(fmt: ReportFormat, key: str) -> SectionSpec:
    try:
        return fmt.section(key)
    except KeyError:
        known = ", ".join(section.key for section in fmt.sections)
        raise NotFoundError(f"format {fmt.id} has no section {key!r} (known: {known})") from None


def _heading(row: RowSpec) -> dict[str, Any]:
    return {
        "key": row.key,
        "label_zh": row.label.zh,
        "label_en": row.label.en,
        "caption_zh": row.caption.zh if row.caption else None,
        "caption_en": row.caption.en if row.caption else None,
        "groups": [Text.of(group) for group in row.groups],
        "role": row.role.value,
        "caption": Text.of(row.caption) if row.caption else None,
    }


def _column(column: ColumnSpec) -> ColumnDefinition:
    return ColumnDefinition(
        key=column.key,
        label_zh=column.label.zh,
        label_en=column.label.en,
        kind=column.kind,
        is_total=column.is_total,
        unit=VALUE_UNITS[column.kind],
        group=Text.of(column.group) if column.group else None,
    )


def _json_value(value: CellValue) -> int | str | None:
    return str(value) if isinstance(value, Decimal) else value
