"""Response models of the portal summaries: sums, trends, filing status, export dictionary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from app.agencies.schemas import AgencyRef
from app.formats.definitions import ValueKind
from app.formats.sections import SectionView
from app.types import (
    UNIT_AGENCIES,
    UNIT_FINDINGS,
    UNIT_ITEMS,
    UNIT_REPORTS,
    AgencyCode,
    deprecated_for,
    in_unit,
)

FilingStatus: TypeAlias = Literal["missing", "draft", "submitted", "published"]
FILING_STATUSES: tuple[FilingStatus, ...] = ("missing", "draft", "submitted", "published")


def _figure(what: str) -> Any:
    return Field(
        description=f"{what}, summed over the year's reports; null when none was summed.",
        examples=[95],
        json_schema_extra=in_unit(UNIT_ITEMS),
    )


Figure: TypeAlias = int | None


class AgencyNamed(BaseModel):
    """The agency a row is about: `agency_code` and `agency_name`, as everywhere else."""

    agency_code: AgencyCode
    agency_name: str = Field(description="Official name of the agency.", examples=["灵武市"])
    code: str = Field(
        description="Deprecated: the same as `agency_code` (removed in the next release).",
        examples=["640181"],
        json_schema_extra=deprecated_for("agency_code"),
    )
    name: str = Field(
        description="Deprecated: the same as `agency_name` (removed in the next release).",
        examples=["灵武市"],
        json_schema_extra=deprecated_for("agency_name"),
    )


def agency_named(code: str, name: str) -> dict[str, str]:
    """The fields of ``AgencyNamed``, in its order (summaries serialise dicts directly)."""
    return {"agency_code": code, "agency_name": name, "code": code, "name": name}


class SummedReport(AgencyNamed):
    format: str = Field(description="Format of the published revision.", examples=["2021"])
    scope: str = Field(
        description="`agency` (本机关) or `consolidated` (本级政府汇总).", examples=["agency"]
    )


class OmittedCell(BaseModel):
    format: str = Field(description="The format that has this cell.", examples=["2021"])
    section: str = Field(description="Section key.", examples=["applications"])
    row: str = Field(description="Row key.", examples=["other_fee_unpaid"])
    column: str = Field(description="Column key.", examples=["total"])
    reason: str = Field(
        description="Why it was left out of the sum.",
        examples=["only format 2021 has this cell; 1 summed report is in format 2019"],
    )


class SummarySections(BaseModel):
    proactive: SectionView = Field(description="二、主动公开政府信息情况, summed.")
    applications: SectionView = Field(description="三、收到和处理政府信息公开申请情况, summed.")
    reviews: SectionView = Field(description="四、行政复议、行政诉讼情况, summed.")


class Summary(BaseModel):
    """The published reports of a subtree for one year, summed cell by cell."""

    year: int = Field(description="Report year.", examples=[2024])
    agency: AgencyRef | None = Field(
        description="The agency whose subtree is summed; null: every root (all agencies)."
    )
    agencies_total: int = Field(
        description="Agencies in the subtree, the agency included.",
        examples=[7],
        json_schema_extra=in_unit(UNIT_AGENCIES),
    )
    agencies_reported: int = Field(
        description="Published reports summed.",
        examples=[5],
        json_schema_extra=in_unit(UNIT_REPORTS),
    )
    covered_by_consolidated: int = Field(
        description="Published reports not summed because a consolidated (本级政府汇总) "
        "report of an agency above them, within the subtree, already includes them.",
        examples=[3],
        json_schema_extra=in_unit(UNIT_REPORTS),
    )
    formats: list[str] = Field(
        description="Formats of the summed reports, oldest first.", examples=[["2021"]]
    )
    sections: SummarySections = Field(
        description="The sums, shaped as the newest summed format (values: null when no "
        "summed report filled the cell; amounts as decimal strings in 万元)."
    )
    omitted_cells: list[OmittedCell] = Field(
        description="Cells left out because not every summed format has them."
    )
    agencies: list[SummedReport] | None = Field(
        description="With `include=agencies`: the agencies whose published reports were "
        "summed, in tree order; null otherwise (page through them with /summary/agencies)."
    )
    covered_agencies: list[SummedReport] | None = Field(
        description="With `include=agencies`: the reports counted in "
        "`covered_by_consolidated`, in tree order; null otherwise."
    )


class SummaryAgencyPage(BaseModel):
    """One page of the published reports of a summary: those summed, or those covered."""

    year: int = Field(description="Report year.", examples=[2024])
    agency: AgencyRef | None = Field(description="The subtree's agency; null: all agencies.")
    covered: bool = Field(
        description="false: the reports summed; true: those covered by a consolidated report."
    )
    total: int = Field(
        description="Reports in the whole list.",
        examples=[5],
        json_schema_extra=in_unit(UNIT_REPORTS),
    )
    limit: int = Field(description="Page size.", examples=[100])
    offset: int = Field(description="Items skipped.", examples=[0])
    items: list[SummedReport] = Field(description="Reports in tree order.")


class Outcomes(BaseModel):
    total: Annotated[Figure, _figure("总计 / All cases")]
    corrected: Annotated[Figure, _figure("结果纠正 / Cases where the decision was corrected")]


class TrendYear(BaseModel):
    year: int = Field(description="Report year.", examples=[2024])
    reports: int = Field(
        description="Published reports summed for that year (0: none).",
        examples=[3],
        json_schema_extra=in_unit(UNIT_REPORTS),
    )
    new_applications: Annotated[Figure, _figure("本年新收 / New applications (total column)")]
    granted: Annotated[Figure, _figure("予以公开 / Disclosed")]
    partially_granted: Annotated[Figure, _figure("部分公开 / Partially disclosed")]
    withheld: Annotated[Figure, _figure("不予公开 / Not disclosed, all eight reasons")]
    unavailable: Annotated[Figure, _figure("无法提供 / Cannot be provided, all three reasons")]
    not_processed: Annotated[Figure, _figure("不予处理 / Not processed, all five reasons")]
    carried_forward: Annotated[Figure, _figure("结转下年度继续办理 / Carried forward to next year")]
    reviews: Outcomes = Field(description="行政复议: total and corrected.")
    litigation_direct: Outcomes = Field(description="未经复议直接起诉: total and corrected.")
    litigation_after_review: Outcomes = Field(description="复议后起诉: total and corrected.")


class Trend(BaseModel):
    """Key figures of the published reports of one agency (or its subtree), per year."""

    # `from` is a Python keyword: the field is `from_`, always written and read as `from`.
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    agency: AgencyRef = Field(description="The agency.")
    subtree: bool = Field(description="Whether the agencies below it are included.")
    from_: int = Field(alias="from", description="First year, as asked (`from`).", examples=[2019])
    to: int = Field(description="Last year, as asked (`to`).", examples=[2024])
    years: list[TrendYear] = Field(
        description="One entry per year from `from` to `to`, oldest first."
    )
    from_year: int = Field(
        description="Deprecated: the same as `from` (removed in the next release).",
        examples=[2019],
        json_schema_extra=deprecated_for("from"),
    )
    to_year: int = Field(
        description="Deprecated: the same as `to` (removed in the next release).",
        examples=[2024],
        json_schema_extra=deprecated_for("to"),
    )


class FilingItem(AgencyNamed):
    status: FilingStatus = Field(
        description="`missing` (no report for the year) or the latest revision's status.",
        examples=["published"],
    )
    error_count: int | None = Field(
        description="Error findings of the latest revision.",
        examples=[0],
        json_schema_extra=in_unit(UNIT_FINDINGS),
    )
    warning_count: int | None = Field(
        description="Warning findings of the latest revision.",
        examples=[2],
        json_schema_extra=in_unit(UNIT_FINDINGS),
    )
    updated_at: datetime | None = Field(description="When the report last changed (UTC).")


class FilingStatusPage(BaseModel):
    """Who has filed for a year, within one subtree; no report content."""

    year: int = Field(description="Report year.", examples=[2024])
    agency: AgencyRef | None = Field(description="The subtree's agency; null: all agencies.")
    counts: dict[FilingStatus, int] = Field(
        description="Agencies of the whole subtree per status (before filtering and paging).",
        examples=[{"missing": 2, "draft": 1, "submitted": 0, "published": 4}],
        json_schema_extra=in_unit(UNIT_AGENCIES),
    )
    total: int = Field(
        description="Agencies matching the filter.",
        examples=[7],
        json_schema_extra=in_unit(UNIT_AGENCIES),
    )
    limit: int = Field(description="Page size.", examples=[100])
    offset: int = Field(description="Items skipped.", examples=[0])
    items: list[FilingItem] = Field(description="Agencies in tree order.")


class CsvColumn(BaseModel):
    name: str = Field(description="Column header.", examples=["agency_code"])
    label_zh: str = Field(description="中文说明.", examples=["机关代码"])
    label_en: str = Field(description="English description.", examples=["Agency code"])
    zh: str = Field(
        description="Deprecated: the same as `label_zh` (removed in the next release).",
        examples=["机关代码"],
        json_schema_extra=deprecated_for("label_zh"),
    )
    en: str = Field(
        description="Deprecated: the same as `label_en` (removed in the next release).",
        examples=["Agency code"],
        json_schema_extra=deprecated_for("label_en"),
    )


class CellEntry(BaseModel):
    format: str = Field(description="Format id.", examples=["2021"])
    section: str = Field(description="Section key.", examples=["applications"])
    row: str = Field(description="Row key.", examples=["granted"])
    column: str = Field(description="Column key.", examples=["total"])
    section_zh: str = Field(description="Section heading (Chinese).")
    section_en: str = Field(description="Section heading (English).")
    row_zh: str = Field(
        description="Row label with its groups (Chinese).", examples=["本年度办理结果·予以公开"]
    )
    row_en: str = Field(description="Row label with its groups (English).")
    column_zh: str = Field(description="Column label (Chinese).", examples=["总计"])
    column_en: str = Field(description="Column label (English).", examples=["Total"])
    kind: ValueKind = Field(description="count, change (signed) or amount (万元, decimal).")
    unit: str = Field(description="件 for counts and changes, 万元 for amounts.", examples=["件"])
    is_total: bool = Field(description="Whether the service computes it when left blank.")


class ExportDictionary(BaseModel):
    """What every column of `export.csv` and every cell code means."""

    columns: list[CsvColumn] = Field(description="The CSV columns, in order.")
    cells: list[CellEntry] = Field(description="Every cell of every format, in format order.")
