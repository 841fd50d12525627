"""Summaries of published reports: a subtree's sums for one year, and key figures per year.

Sums are computed by the database — one ``GROUP BY`` over ``report_cell`` per call — never by
loading reports. Both use the published revision of each report and the consolidation rule
of app.summaries.scope: a report inside a consolidated report of an agency above it (within
the scope) is not summed again.

Mixed formats (a year with reports in both the 2019 and the 2021 format, e.g. late filers):
the cells every summed format shares (same section, row and column) are summed; the others
are left out and listed in ``omitted_cells``; the sections take the newest format's shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic_core import to_json
from sqlalchemy import ColumnElement, and_, case, func, not_, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, SECTION_KEYS, CellKey, format_for_year
from app.formats.sections import render_section
from app.reports.cells import from_stored
from app.reports.models import Report, ReportCell, ReportRevision
from app.summaries.schemas import Outcomes, TrendYear
from app.summaries.scope import (
    CELL_KEY,
    Scope,
    covered_by_consolidated,
    is_published,
    published_cells_join,
    within,
)


def summarize(session: Session, *, scope: Scope, year: int) -> bytes:
    """The summary of ``scope`` for ``year`` as JSON, shaped as ``Summary``.

    Built from plain dicts and tuples and serialised once: at province scale a pydantic model
    per listed agency cost more than the database's sums.
    """
    summed, covered_reports = _published_reports(session, scope=scope, year=year)
    formats = sorted({report["format"] for report in summed}, key=lambda f: FORMATS[f].first_year)
    shape = FORMATS[formats[-1]] if formats else format_for_year(year)
    cells, omitted = _merge(shape.id, formats, _cell_sums(session, scope=scope, year=year))
    agencies_total = session.execute(
        select(func.count()).select_from(Agency).where(within(col(Agency.path), scope))
    ).scalar_one()
    # The keys in the order of Summary's fields: the bytes are what model_dump_json would give.
    return to_json(
        {
            "year": year,
            "agency": _ref(scope.agency),
            "agencies_total": agencies_total,
            "agencies_reported": len(summed),
            "agencies": summed,
            "covered_by_consolidated": covered_reports,
            "formats": formats,
            "sections": {
                key: render_section(shape, key, cells, computed=_DERIVED[shape.id])
                for key in SECTION_KEYS
            },
            "omitted_cells": omitted,
        }
    )


# A summary's totals are derived from its other cells (published reports balance), so they
# are marked computed, as a report's omitted totals are; every other cell is a plain sum.
_DERIVED = {
    format_id: frozenset(cell.key for cell in fmt.total_cells())
    for format_id, fmt in FORMATS.items()
}

_Listed: TypeAlias = dict[str, str]
"""A published report in a summary: code, name, format and scope (as ``SummedReport``)."""


def _published_reports(
    session: Session, *, scope: Scope, year: int
) -> tuple[list[_Listed], list[_Listed]]:
    """The published reports of the scope in tree order: those summed, those covered."""
    rows = session.execute(
        select(
            col(Agency.code),
            col(Agency.name),
            _published_format(),
            col(Report.published_scope),
            covered_by_consolidated(scope),
        )
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .where(*_published_in(scope, year))
        .order_by(Agency.path, col(Agency.code))
    )
    summed: list[_Listed] = []
    covered: list[_Listed] = []
    for code, name, fmt, published_scope, is_covered in rows:
        listed = {"code": code, "name": name, "format": fmt, "scope": published_scope or "agency"}
        (covered if is_covered else summed).append(listed)
    return summed, covered


def _published_format() -> ColumnElement[str]:
    """The format of the report's published revision, read from the head where it can be.

    The head keeps the latest revision's format, which is the published one unless a draft
    came after it; only then is the revision looked up (joining every report's revision
    cost PostgreSQL a scan of report_revision, a third of the listing).
    """
    revision_format = (
        select(col(ReportRevision.format))
        .where(
            col(ReportRevision.report_id) == col(Report.id),
            col(ReportRevision.revision) == col(Report.published_revision),
        )
        .scalar_subquery()
    )
    return case(
        (col(Report.latest_revision) == col(Report.published_revision), col(Report.format)),
        else_=revision_format,
    )


def _cell_sums(
    session: Session, *, scope: Scope, year: int
) -> Iterable[tuple[CellKey, int | None]]:
    """Each cell's sum over the summed reports, by the database.

    Not grouped by format: ``_merge`` adds up a cell the same way whichever format stored it,
    and leaving the revision out of the join saves a lookup per report.
    """
    _, cells_join = published_cells_join()
    sums = session.execute(
        select(*CELL_KEY, *exact_sum(ReportCell.value))
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .join(ReportCell, cells_join)
        .where(*_published_in(scope, year), not_(covered_by_consolidated(scope)))
        .group_by(*CELL_KEY)
    )
    return (
        ((section, row, column), from_parts(high, low)) for section, row, column, high, low in sums
    )


# A cell holds at most 10^18 (an amount below 10^12 万元, in millionths), and SQLite's SUM
# raises on passing 2^63. Summed as the millions and what is left, neither part of a sum over
# even 10^6 reports can overflow, and the total is exact on both databases (both divide
# integers truncating towards zero, so high * 10^6 + low is the value, signs included).
_SPLIT = 1_000_000


def exact_sum(value: Any) -> tuple[Any, Any]:
    return func.sum(value // _SPLIT), func.sum(value % _SPLIT)


def from_parts(high: int | None, low: int | None) -> int | None:
    """The sum of a cell from ``exact_sum``'s two parts; None where every row was NULL."""
    if high is None and low is None:
        return None
    return int(high or 0) * _SPLIT + int(low or 0)


def _published_in(scope: Scope, year: int) -> tuple[ColumnElement[bool], ...]:
    return (col(Report.year) == year, within(col(Agency.path), scope), is_published())


def _merge(
    shape: str, formats: list[str], sums: Iterable[tuple[CellKey, int | None]]
) -> tuple[dict[CellKey, CellValue], list[dict[str, str]]]:
    """Add up the sums of the cells every format has; list the others (as ``OmittedCell``).

    A cell no summed report has a row for is 0 (zero is the stored default), and so is a
    cell every report left blank: sums count a blank as 0.
    """
    shared = [
        cell.key
        for cell in FORMATS[shape].cells()
        if formats and all(FORMATS[other].has_cell(cell.key) for other in formats)
    ]
    totals: dict[CellKey, int] = dict.fromkeys(shared, 0)
    for key, value in sums:
        if key in totals:
            totals[key] += int(value or 0)
    cells = {key: from_stored(shape, key, value) for key, value in totals.items()}
    omitted = [
        {
            "format": fmt,
            "section": cell.section,
            "row": cell.row,
            "column": cell.column,
            "reason": f"only some summed formats have this cell; format "
            f"{', '.join(o for o in formats if not FORMATS[o].has_cell(cell.key))} "
            "does not",
        }
        for fmt in formats
        for cell in FORMATS[fmt].cells()
        if not all(FORMATS[other].has_cell(cell.key) for other in formats)
    ]
    return cells, omitted


def _ref(agency: Agency | None) -> dict[str, str] | None:
    return None if agency is None else {"code": agency.code, "name": agency.name}


# ---------------------------------------------------------------------------------------------
# Trend


@dataclass(frozen=True)
class _Figure:
    """A trend figure: the sum of one column over the rows whose key starts with a prefix."""

    section: str
    row_prefix: str
    column: str
    exact: bool = True  # the row key must equal the prefix


_FIGURES: Mapping[str, _Figure] = {
    "new_applications": _Figure("applications", "new_received", "total"),
    "granted": _Figure("applications", "granted", "total"),
    "partially_granted": _Figure("applications", "partially_granted", "total"),
    "withheld": _Figure("applications", "withheld_", "total", exact=False),
    "unavailable": _Figure("applications", "unavailable_", "total", exact=False),
    "not_processed": _Figure("applications", "not_processed_", "total", exact=False),
    "carried_forward": _Figure("applications", "carried_forward", "total"),
}
_OUTCOME_ROWS = {
    "reviews": "review",
    "litigation_direct": "litigation_direct",
    "litigation_after_review": "litigation_after_review",
}


def trend(
    session: Session, *, agency: Agency, subtree: bool, first_year: int, last_year: int
) -> list[TrendYear]:
    """Key figures per year: reports counted per year, cells summed per year and cell.

    Two grouped queries for the whole range: a report of zeros has no cell rows (zero is the
    stored default), so reports are counted apart from the cells.
    """
    _, cells_join = published_cells_join()
    scope = Scope(agency)
    if subtree:
        in_scope = and_(within(col(Agency.path), scope), not_(covered_by_consolidated(scope)))
    else:
        in_scope = col(Agency.id) == agency.id
    published = (
        select(col(Report.year))
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .where(col(Report.year).between(first_year, last_year), is_published(), in_scope)
    )
    counts = session.execute(published.add_columns(func.count()).group_by(col(Report.year)))
    reports = {int(year): int(count) for year, count in counts.all()}
    sums = (
        published.add_columns(*CELL_KEY, *exact_sum(ReportCell.value))
        .join(ReportCell, cells_join)
        .where(
            col(ReportCell.section).in_(("applications", "reviews")),
            col(ReportCell.column).in_(("total", "corrected")),
        )
        .group_by(col(Report.year), *CELL_KEY)
    )
    cells: dict[int, dict[CellKey, int]] = defaultdict(dict)
    for year, section, row, column, high, low in session.execute(sums).all():
        cells[year][(section, row, column)] = from_parts(high, low) or 0
    return [
        _trend_year(year, reports.get(year, 0), cells[year])
        for year in range(first_year, last_year + 1)
    ]


def _trend_year(year: int, reports: int, cells: Mapping[CellKey, int]) -> TrendYear:
    def figure(spec: _Figure) -> int | None:
        values = [
            value
            for (section, row, column), value in cells.items()
            if section == spec.section
            and column == spec.column
            and (row == spec.row_prefix if spec.exact else row.startswith(spec.row_prefix))
        ]
        return sum(values) if reports else None

    def outcomes(row: str) -> Outcomes:
        return Outcomes(
            total=figure(_Figure("reviews", row, "total")),
            corrected=figure(_Figure("reviews", row, "corrected")),
        )

    return TrendYear.model_validate(
        {
            "year": year,
            "reports": reports,
            **{name: figure(spec) for name, spec in _FIGURES.items()},
            **{name: outcomes(row) for name, row in _OUTCOME_ROWS.items()},
        }
    )
