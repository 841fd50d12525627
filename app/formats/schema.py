"""Request and response models of a report body, derived from the format definitions.

One model per format (``Report2019``, ``Report2021``), joined as a union discriminated by
``format``. Cells are optional: a missing key and ``null`` both mean "not reported", and
``model_fields_set`` keeps the two apart for the rule engine and storage.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic import create_model as _create_model

from app.errors import SchemaProblem
from app.formats.cells import CellValue, CompletedCells, complete
from app.formats.definitions import (
    FORMATS,
    CellKey,
    ColumnSpec,
    ReportFormat,
    RowSpec,
    SectionSpec,
    ValueKind,
    cell_pointer,
    format_for_year,
)
from app.formats.problems import ReportSchemaError, schema_problems
from app.formats.samples import example_body
from app.formats.values import COUNT_LIMIT, VALUE_TYPES, VALUE_UNITS, Amount, Count
from app.types import UNIT_ITEMS, UNIT_YUAN, YEAR_MAX, YEAR_MIN, in_unit

NARRATIVE_MAX_LENGTH = 1_000_000
CHANNELS_MAX_ITEMS = 100

ReportStatus: TypeAlias = Literal["draft", "submitted", "published"]
ReportScope: TypeAlias = Literal["agency", "consolidated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Narrative(_Strict):
    """The free-text parts of the report."""

    overview: Annotated[str, StringConstraints(max_length=NARRATIVE_MAX_LENGTH)] | None = Field(
        default=None, description="一、总体情况 / Part I, general situation"
    )
    problems_and_improvements: (
        Annotated[str, StringConstraints(max_length=NARRATIVE_MAX_LENGTH)] | None
    ) = Field(
        default=None,
        description="五、存在的主要问题及改进情况 / Part V, main problems and improvements",
    )
    other_matters: Annotated[str, StringConstraints(max_length=NARRATIVE_MAX_LENGTH)] | None = (
        Field(default=None, description="六、其他需要报告的事项 / Part VI, other matters")
    )


class ChannelItem(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="公开渠道名称 / Channel name", examples=["政府网站"]
    )
    count: Count = Field(
        json_schema_extra=in_unit(UNIT_ITEMS),
        description="该渠道主动公开政府信息条数 / Items published on this channel",
    )


class Channels(_Strict):
    """Proactive-disclosure counts per channel, as part 一 states them."""

    total: Count | None = Field(
        json_schema_extra=in_unit(UNIT_ITEMS),
        default=None,
        description="主动公开政府信息总条数 / Total items published proactively",
    )
    items: list[ChannelItem] = Field(
        default_factory=list,
        max_length=CHANNELS_MAX_ITEMS,
        description="各渠道公开条数 / Items published per channel",
    )


class Contact(_Strict):
    """Whom to ask about the report, as its preamble states."""

    address: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="联系地址 / Postal address"
    )
    phone: Annotated[str, StringConstraints(max_length=50)] | None = Field(
        default=None, description="联系电话 / Telephone"
    )
    email: Annotated[str, StringConstraints(max_length=254)] | None = Field(
        default=None, description="电子邮箱 / E-mail"
    )


SourceUrl = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://\S+$")]

ACKNOWLEDGEMENTS_MAX_ITEMS = 200


class Acknowledgement(_Strict):
    """Why the agency publishes with a warning: matched to the finding of ``rule`` whose
    cells include ``pointer``, and shown with it."""

    rule: Annotated[
        str, StringConstraints(min_length=3, max_length=64, pattern=r"^[a-z_]+(?:\.[a-z_]+)+$")
    ] = Field(description="规则代码 / Rule code", examples=["history.figure_jump"])
    pointer: Annotated[
        str, StringConstraints(min_length=1, max_length=200, pattern=r"^/[A-Za-z0-9_/]*$")
    ] = Field(
        description="该提示涉及的一个单元格（JSON Pointer）/ One cell of the finding",
        examples=["/applications/new_received/total"],
    )
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="说明 / The agency's reason", examples=["本年起乡镇申请统一由区政府办受理"]
    )


def _iso_date(value: object) -> object:
    # Lax pydantic reads the integer 0 as 1970-01-01; a date is written as a date.
    if not isinstance(value, str | date):
        raise ValueError("must be an ISO date string, e.g. 2021-01-20")
    return value


PublicationDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(ge=date(YEAR_MIN, 1, 1), le=date(YEAR_MAX + 1, 12, 31)),
]
"""An ISO date from the first reports (2008) to a year after the last reportable one."""


class ReportBase(_Strict):
    """What every format's report body has; the per-format models add the typed sections."""

    format: str = Field(description="报告格式 / Report format")
    status: ReportStatus = Field(
        default="draft",
        description="状态：draft 草稿，submitted 已报送，published 已公开 / "
        "Status: draft, submitted or published",
    )
    scope: ReportScope = Field(
        default="agency",
        description="范围：agency 本机关，consolidated 本级政府汇总 / "
        "Scope: the agency alone, or a government's consolidated report",
    )
    # Placeholders fixing the field order; each format's model overrides them.
    proactive: BaseModel = Field(default_factory=BaseModel)
    applications: BaseModel = Field(default_factory=BaseModel)
    reviews: BaseModel = Field(default_factory=BaseModel)
    narrative: Narrative | None = Field(default=None, description="叙述部分 / Narrative parts")
    channels: Channels | None = Field(
        default=None, description="主动公开渠道统计 / Proactive disclosure per channel"
    )
    fees_collected_yuan: Amount | None = Field(
        json_schema_extra=in_unit(UNIT_YUAN),
        default=None,
        description="本年收取的信息处理费（元）/ Information processing fees collected (yuan)",
    )
    contact: Contact | None = Field(default=None, description="联系方式 / Contact")
    published_on: PublicationDate | None = Field(
        default=None, description="报告公开日期 / Date the report was published"
    )
    source_url: SourceUrl | None = Field(
        default=None, description="报告原文地址 / Where the published report is online"
    )
    acknowledgements: list[Acknowledgement] = Field(
        default_factory=list,
        max_length=ACKNOWLEDGEMENTS_MAX_ITEMS,
        description="对提示的说明：每条按规则代码和单元格对应一条 warning / Reasons for "
        "warnings, each matched to a warning finding by its rule and one of its cells",
    )


# --------------------------------------------------------------------------------------------
# Per-format models


def _cell_description(row: RowSpec | None, column: ColumnSpec) -> str:
    """本年新收·自然人 / New applications received this year — Natural person (with units)."""
    is_amount = column.kind is ValueKind.AMOUNT
    zh = column.label.zh + ("（万元）" if is_amount and "万元" not in column.label.zh else "")
    en = column.label.en + (
        " (10,000 yuan)" if is_amount and "10,000 yuan" not in column.label.en else ""
    )
    if row is None:
        return f"{zh} / {en}"
    path = row.path_label
    return f"{path.zh}·{zh} / {path.en} — {en}"


def _row_model(name: str, row: RowSpec, *, shared: bool) -> type[BaseModel]:
    fields: dict[str, Any] = {
        column.key: (
            VALUE_TYPES[column.kind] | None,
            Field(
                default=None,
                description=_cell_description(None if shared else row, column),
                json_schema_extra=in_unit(VALUE_UNITS[column.kind]),
            ),
        )
        for column in row.columns
    }
    return _create_model(name, __config__=ConfigDict(extra="forbid"), __module__=__name__, **fields)


def _section_model(fmt: ReportFormat, section: SectionSpec) -> type[BaseModel]:
    prefix = f"{section.key.title()}{fmt.id}"
    # Rows with identical columns (the applications matrix, the reviews groups) share one model
    # so the OpenAPI document stays readable.
    shared = len({row.columns for row in section.rows}) == 1
    shared_model = _row_model(f"{prefix}Row", section.rows[0], shared=True) if shared else None
    fields: dict[str, Any] = {}
    for row in section.rows:
        model = shared_model or _row_model(f"{prefix}{_camel(row.key)}", row, shared=False)
        path = row.path_label
        fields[row.key] = (
            model,
            Field(default_factory=model, description=f"{path.zh} / {path.en}"),
        )
    return _create_model(
        prefix,
        __config__=ConfigDict(extra="forbid"),
        __module__=__name__,
        __doc__=f"{section.label.zh}（{fmt.id} 版格式）/ {section.label.en} (format {fmt.id})",
        **fields,
    )


def _camel(key: str) -> str:
    return "".join(part.title() for part in key.split("_"))


def _report_model(fmt: ReportFormat) -> type[ReportBase]:
    sections: dict[str, Any] = {}
    for section in fmt.sections:
        model = _section_model(fmt, section)
        sections[section.key] = (
            model,
            Field(default_factory=model, description=f"{section.label.zh} / {section.label.en}"),
        )
    example = example_body(fmt.id)
    tag: Any = Literal[fmt.id]  # a run-time Literal: the union's discriminator value
    return _create_model(
        f"Report{fmt.id}",
        __base__=ReportBase,
        __module__=__name__,
        __doc__=f"A report in format {fmt.id}: {fmt.document.zh}",
        __config__=ConfigDict(json_schema_extra={"examples": [example]} if example else None),
        format=(tag, Field(description=f"报告格式 / Report format: {fmt.id}")),
        **sections,
    )


REPORT_MODELS: Mapping[str, type[ReportBase]] = {
    format_id: _report_model(fmt) for format_id, fmt in FORMATS.items()
}
Report2019 = REPORT_MODELS["2019"]
Report2021 = REPORT_MODELS["2021"]

if TYPE_CHECKING:
    # Type checkers see the common base; at run time it is the discriminated union below.
    ReportBody: TypeAlias = ReportBase
else:
    ReportBody = Annotated[
        functools.reduce(operator.or_, REPORT_MODELS.values()),
        Field(discriminator="format"),
    ]
    """A report body of any format, chosen by its ``format`` field (usable as a FastAPI body)."""

_REPORT_ADAPTER: TypeAdapter[ReportBase] = TypeAdapter(ReportBody)


def parse_report(payload: object, *, year: int) -> ReportBody:
    """Validate a report body for ``year``; without ``format`` it takes the year's format.

    Raises ``ReportSchemaError`` listing every problem at once.
    """
    return parse_report_with_cells(payload, year=year)[0]


def parse_report_with_cells(payload: object, *, year: int) -> tuple[ReportBody, CompletedCells]:
    """``parse_report`` and the body's completed cells, which validating it computed: the
    write path hands them on to the digest and the rules rather than completing them again."""
    if isinstance(payload, dict) and "format" not in payload:
        payload = {"format": format_for_year(year).id, **payload}
    try:
        report = _REPORT_ADAPTER.validate_python(payload)
    except ValidationError as error:
        raise ReportSchemaError(schema_problems(error.errors(include_url=False))) from None
    completed = complete(FORMATS[report.format], to_cells(report))
    if oversized := _oversized_totals(completed):
        raise ReportSchemaError(oversized)
    return report, completed


def _oversized_totals(completed: CompletedCells) -> list[SchemaProblem]:
    """Totals the service would compute beyond the bound every given figure keeps to."""
    return [
        SchemaProblem(
            pointer=cell_pointer(key),
            message=f"the total of its parts ({value}) would be above {COUNT_LIMIT}",
        )
        for key in sorted(completed.computed)
        if isinstance(value := completed.values[key], int) and abs(value) > COUNT_LIMIT
    ]


def to_cells(report: ReportBody) -> dict[CellKey, CellValue]:
    """The cells the body states, in format order: ``None`` for an explicit null.

    Cells the body leaves out are absent from the result, so storage keeps
    "omitted" (a total to compute) apart from "null" (a blank in the published table).
    """
    cells: dict[CellKey, CellValue] = {}
    # The models' own __dict__ and fields set: every write reads ~300 cells this way, and
    # pydantic's attribute and model_fields_set access cost more than the loop itself.
    for section_key, rows in _LAYOUT[report.format]:
        section_model = report.__dict__[section_key]
        rows_set, row_models = section_model.__pydantic_fields_set__, section_model.__dict__
        for row_key, columns in rows:
            if row_key not in rows_set:
                continue
            row_model = row_models[row_key]
            columns_set, values = row_model.__pydantic_fields_set__, row_model.__dict__
            for column_key, key in columns:
                if column_key in columns_set:
                    cells[key] = values[column_key]
    return cells


_LAYOUT = {
    format_id: tuple(
        (
            section.key,
            tuple(
                (
                    row.key,
                    tuple(
                        (column.key, (section.key, row.key, column.key)) for column in row.columns
                    ),
                )
                for row in section.rows
            ),
        )
        for section in fmt.sections
    )
    for format_id, fmt in FORMATS.items()
}
"""Per format: (section key, ((row key, ((column key, cell key), …)), …)), in format order."""


def from_cells(
    format_id: str, cells: Mapping[CellKey, CellValue], **non_cell_fields: Any
) -> ReportBody:
    """Rebuild a report body from stored cells and its other fields (status, narrative…)."""
    body: dict[str, Any] = {"format": format_id, **non_cell_fields}
    for (section, row, column), value in cells.items():
        body.setdefault(section, {}).setdefault(row, {})[column] = value
    try:
        return REPORT_MODELS[format_id].model_validate(body)
    except ValidationError as error:
        raise ReportSchemaError(schema_problems(error.errors(include_url=False))) from None
