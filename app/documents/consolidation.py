"""The draft consolidated report (本级政府汇总) of a government, from its subtree's published
reports, summed as ``/summary`` sums them.

The sums are the subtree's roll-up (app.summaries.rollups): every published report of the
government and the agencies below it, except those inside a published consolidated report of
an agency above them within the subtree (counted once, through that report). Amounts are
summed exactly in millionths of 万元. The draft is a report body the government can PUT as
it is: ``status`` draft, ``scope`` consolidated, the totals computed from the summed cells,
the narrative left for the office to write.

Reports in another format than the year's (late filers on the old format): the cells both
formats have are summed; a cell only the year's format has is left blank (null) rather than
guessed, which the rules report as not reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.agencies.models import Agency
from app.db import row_id
from app.errors import NotFoundError
from app.formats.cells import CellValue, complete
from app.formats.definitions import (
    FORMATS,
    CellKey,
    CellRole,
    ReportFormat,
    RowRole,
    format_for_year,
)
from app.formats.schema import ReportBody, parse_report
from app.reports.cells import from_stored
from app.summaries import rollups


class NothingPublished(NotFoundError):
    def __init__(self, agency: Agency, year: int) -> None:
        super().__init__(
            f"no report of {agency.code} or of the agencies below it is published for {year}: "
            "there is nothing to consolidate yet"
        )


@dataclass(frozen=True)
class Consolidation:
    report: ReportBody
    reports_summed: int  # the published reports whose figures are added up
    reports_covered: int  # those counted through a consolidated report above them
    formats: tuple[str, ...]  # the formats of the reports summed


def consolidate(session: Session, *, agency: Agency, year: int) -> Consolidation:
    tally = rollups.read(session, agency_id=row_id(agency), year=year)
    if tally.published == 0:
        raise NothingPublished(agency, year)
    fmt = format_for_year(year)
    formats = tuple(sorted(f for f, part in tally.formats.items() if part.reports))
    sums: dict[CellKey, int] = {}
    for key, summed in tally.summed_cells():
        sums[key] = sums.get(key, 0) + summed
    data = _data_cells(fmt, formats, sums)
    completed = complete(fmt, data)
    body: dict[str, Any] = {
        "format": fmt.id,
        "status": "draft",
        "scope": "consolidated",
        "narrative": {"overview": None, "problems_and_improvements": None, "other_matters": None},
    }
    rows = {(section, row) for section, row, _ in data}
    for cell in fmt.cells():
        if cell.key in data or (cell.role is CellRole.TOTAL and _row_kept(fmt, cell.key, rows)):
            value = completed.values[cell.key]
            body.setdefault(cell.section, {}).setdefault(cell.row, {})[cell.column] = _json(value)
    return Consolidation(
        report=parse_report(body, year=year),
        reports_summed=tally.reported,
        reports_covered=tally.covered,
        formats=formats,
    )


def _row_kept(fmt: ReportFormat, key: CellKey, rows: set[tuple[str, str]]) -> bool:
    # A row's total goes with its row; （七）总计 has no data cell of its own and always goes.
    section, row, _ = key
    return (section, row) in rows or fmt.section(section).row(row).role is RowRole.RESULTS_TOTAL


def _data_cells(
    fmt: ReportFormat, formats: tuple[str, ...], sums: dict[CellKey, int]
) -> dict[CellKey, CellValue]:
    """Every cell the totals are made of; a cell no summed report has a row for is 0."""
    cells: dict[CellKey, CellValue] = {}
    for cell in fmt.cells():
        if cell.role is CellRole.TOTAL:
            continue
        shared = all(FORMATS[other].has_cell(cell.key) for other in formats)
        cells[cell.key] = from_stored(fmt.id, cell.key, sums.get(cell.key, 0)) if shared else None
    return _one_way_of_other_handling(fmt, cells)


def _one_way_of_other_handling(
    fmt: ReportFormat, cells: dict[CellKey, CellValue]
) -> dict[CellKey, CellValue]:
    """（六）其他处理: reports that gave only the subtotal add to it but not to its sub-rows;
    then the sub-rows no longer add up to it, and the draft keeps the subtotal alone (as it
    does when the sub-rows are blank: summed from a format without them)."""
    section = fmt.section("applications")
    subtotals = section.rows_with_role(RowRole.RESULT_SUBTOTAL)
    parts = section.rows_with_role(RowRole.RESULT_PART)
    if not subtotals or not parts:
        return cells
    for subtotal in subtotals:
        for column in subtotal.columns:
            if column.is_total:
                continue
            key = (section.key, subtotal.key, column.key)
            addends = [cells.get((section.key, p.key, column.key)) for p in parts]
            # A blank sub-row (an old-format report has none) cannot stand beside the subtotal.
            if None in addends or int(cells.get(key) or 0) != sum(int(a or 0) for a in addends):
                return {k: v for k, v in cells.items() if k[1] not in {p.key for p in parts}}
    return cells


def _json(value: CellValue) -> int | str | None:
    return value if value is None or isinstance(value, int) else format(value, "f")
