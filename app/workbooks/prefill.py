"""What the service already knows of an agency's year, as a workbook shows it.

The stored revision the caller may see (the same visibility as the report GET); without
one, this year's 上年结转 from last year's 结转下年度. Last year's figures of the columns in
``REFERENCE_COLUMNS`` (2021: 现行有效件数) are shown beside their rows either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.agencies.models import Agency
from app.errors import NotFoundError
from app.formats.cells import CellValue, CompletedCells
from app.formats.definitions import FORMATS, CellKey, ReportFormat, RowRole, format_for_year
from app.reports import service
from app.workbooks.layout import REFERENCE_COLUMNS
from app.workbooks.template import WorkbookReport


@dataclass(frozen=True)
class Known:
    report: WorkbookReport
    stored_revision: int | None  # the revision shown, or None for a pre-filled template


def known_report(
    session: Session, *, agency: Agency, year: int, include_unpublished: bool
) -> Known:
    previous = service.previous_year_cells(
        session, agency=agency, year=year, include_unpublished=include_unpublished
    )
    try:
        stored = service.get_report(
            session, agency=agency, year=year, include_unpublished=include_unpublished
        )
    except NotFoundError:
        stored = None
    if stored is not None:
        fmt = FORMATS[stored.revision.format]
        other = stored.body().model_dump(mode="json", exclude_none=True)
        report = WorkbookReport(
            fmt, year, agency.code, agency.name, stored.cells, other, _reference(fmt, previous)
        )
        return Known(report, stored.revision.revision)
    fmt = format_for_year(year)
    values = carried_over_from(fmt, previous)
    report = WorkbookReport(
        fmt, year, agency.code, agency.name, values, {}, _reference(fmt, previous)
    )
    return Known(report, None)


def carried_over_from(
    fmt: ReportFormat, previous: CompletedCells | None
) -> dict[CellKey, CellValue]:
    """This year's 上年结转 row: last year's 结转下年度, column by column (both formats share
    the applicant columns, so it holds across the 2019 → 2021 change)."""
    if previous is None:
        return {}
    section = fmt.section("applications")
    intake = [row for row in section.rows_with_role(RowRole.INTAKE) if row.key == "carried_over"]
    forward = previous.fmt.section("applications").rows_with_role(RowRole.CARRIED_FORWARD)
    if not intake or not forward:
        return {}
    values: dict[CellKey, CellValue] = {}
    for column in intake[0].columns:
        source = ("applications", forward[0].key, column.key)
        if previous.fmt.has_cell(source):
            values[("applications", intake[0].key, column.key)] = previous.value(source)
    return values


def _reference(fmt: ReportFormat, previous: CompletedCells | None) -> dict[CellKey, CellValue]:
    if previous is None:
        return {}
    keys: Sequence[CellKey] = [
        ("proactive", row.key, column.key)
        for row in fmt.section("proactive").rows
        for column in row.columns
        if column.key in REFERENCE_COLUMNS
    ]
    return {key: previous.value(key) for key in keys if previous.fmt.has_cell(key)}
