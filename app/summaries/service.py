"""Summaries of published reports: a subtree's sums for one year, and key figures per year.

A subtree's sums are read from its roll-up (app.summaries.rollups), kept in step with every
publication, so neither the summary nor the subtree trend grows with the subtree; they equal
the published revisions summed with the consolidation rule of app.summaries.scope (a report
inside a consolidated report of an agency above it, within the scope, is not summed again),
which app.summaries.recount still computes from the cells.

Mixed formats (a year with reports in both the 2019 and the 2021 format, e.g. late filers):
the cells every summed format shares (same section, row and column) are summed; the others
are left out and listed in ``omitted_cells``; the sections take the newest format's shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from pydantic_core import to_json
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.agencies.tree_version import AGENCY_TREE, DataVersion
from app.db import row_id
from app.formats.cells import CellValue
from app.formats.definitions import FORMATS, SECTION_KEYS, CellKey, format_for_year
from app.formats.sections import render_section
from app.http.cache import ImmutableResponseCache
from app.reports.cells import from_stored
from app.reports.models import Report, ReportCell
from app.summaries import listing, rollups
from app.summaries.listing import Listed
from app.summaries.schemas import Outcomes, SummaryAgencyPage, TrendYear
from app.summaries.scope import (
    CELL_KEY,
    Scope,
    exact_sum,
    from_parts,
    is_published,
    published_cells_join,
    within,
)


def summarize(
    session: Session, *, scope: Scope, year: int, include_agencies: bool = False
) -> bytes:
    """The summary of ``scope`` for ``year`` as JSON, shaped as ``Summary``.

    The sums and counts are one roll-up row (every root's rows without an agency), so the
    cost does not grow with the subtree; only ``include_agencies`` lists its reports. Built
    from plain dicts and serialised once.
    """
    tally = rollups.read(
        session, agency_id=None if scope.agency is None else row_id(scope.agency), year=year
    )
    formats = sorted(
        (fmt for fmt, part in tally.formats.items() if part.reports),
        key=lambda f: FORMATS[f].first_year,
    )
    shape = FORMATS[formats[-1]] if formats else format_for_year(year)
    cells, omitted = _merge(shape.id, formats, tally.summed_cells())
    agencies_total = agencies_in(session, scope)
    summed: list[Listed] | None = None
    covered: list[Listed] | None = None
    if include_agencies:
        listed = listing.published_reports(session, scope=scope, year=year)
        summed = [report for report, is_covered in listed if not is_covered]
        covered = [report for report, is_covered in listed if is_covered]
    # The keys in the order of Summary's fields: the bytes are what model_dump_json would give.
    return to_json(
        {
            "year": year,
            "agency": _ref(scope.agency),
            "agencies_total": agencies_total,
            "agencies_reported": tally.reported,
            "covered_by_consolidated": tally.covered,
            "formats": formats,
            "sections": {
                key: render_section(shape, key, cells, computed=_DERIVED[shape.id])
                for key in SECTION_KEYS
            },
            "omitted_cells": omitted,
            "agencies": summed,
            "covered_agencies": covered,
        }
    )


# Subtree sizes by (agency, agency-tree version): counting a province's agencies reads tens of
# thousands of index entries, the one part of a summary that grew with the subtree. The
# version (bumped by every agency change, read from the shared database) makes a key never
# stale in any worker; a new version is simply counted once.
SUBTREE_SIZES = ImmutableResponseCache(max_entries=4096, max_bytes=2**20)
_TREE_VERSION = select(col(DataVersion.version)).where(col(DataVersion.name) == AGENCY_TREE)


def agencies_in(session: Session, scope: Scope) -> int:
    """How many agencies the scope holds (every agency without one)."""
    version = session.execute(_TREE_VERSION).scalar()
    agency_id = None if scope.agency is None else row_id(scope.agency)

    def count() -> bytes:
        query = select(func.count()).select_from(Agency).where(within(col(Agency.path), scope))
        return str(session.execute(query).scalar_one()).encode()

    return int(SUBTREE_SIZES.get_or_make(("agencies", agency_id, version), count))


def summary_agencies(
    session: Session, *, scope: Scope, year: int, covered: bool, limit: int, offset: int
) -> SummaryAgencyPage:
    """One page of the reports a summary sums (or of those it counts as covered)."""
    agency_id = None if scope.agency is None else row_id(scope.agency)
    tally = rollups.read(session, agency_id=agency_id, year=year)
    listed = listing.published_reports(
        session, scope=scope, year=year, covered=covered, limit=limit, offset=offset
    )
    return SummaryAgencyPage.model_validate(
        {
            "year": year,
            "agency": _ref(scope.agency),
            "covered": covered,
            "total": tally.covered if covered else tally.reported,
            "limit": limit,
            "offset": offset,
            "items": [report for report, _ in listed],
        }
    )


# A summary's totals are derived from its other cells (published reports balance), so they
# are marked computed, as a report's omitted totals are; every other cell is a plain sum.
_DERIVED = {
    format_id: frozenset(cell.key for cell in fmt.total_cells())
    for format_id, fmt in FORMATS.items()
}


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
    """Key figures per year: of the subtree from its roll-ups, of the agency alone from its
    reports (reports counted per year, cells summed per year and cell)."""
    if subtree:
        reports, cells = _subtree_years(session, agency, first_year, last_year)
    else:
        reports, cells = _own_years(session, agency, first_year, last_year)
    return [
        _trend_year(year, reports.get(year, 0), cells[year])
        for year in range(first_year, last_year + 1)
    ]


_TREND_SECTIONS = ("applications", "reviews")
_TREND_COLUMNS = ("total", "corrected")
_YearCells: TypeAlias = defaultdict[int, dict[CellKey, int]]


def _subtree_years(
    session: Session, agency: Agency, first_year: int, last_year: int
) -> tuple[dict[int, int], _YearCells]:
    tallies = rollups.read_years(
        session, agency_id=row_id(agency), first_year=first_year, last_year=last_year
    )
    cells: _YearCells = defaultdict(dict)
    for year, tally in tallies.items():
        for key, value in tally.summed_cells():
            if key[0] in _TREND_SECTIONS and key[2] in _TREND_COLUMNS:
                cells[year][key] = cells[year].get(key, 0) + value
    return {year: tally.reported for year, tally in tallies.items()}, cells


def _own_years(
    session: Session, agency: Agency, first_year: int, last_year: int
) -> tuple[dict[int, int], _YearCells]:
    """Two grouped queries for the whole range: a report of zeros has no cell rows (zero is
    the stored default), so reports are counted apart from the cells."""
    _, cells_join = published_cells_join()
    published = select(col(Report.year)).where(
        col(Report.agency_id) == agency.id,
        col(Report.year).between(first_year, last_year),
        is_published(),
    )
    counts = session.execute(published.add_columns(func.count()).group_by(col(Report.year)))
    reports = {int(year): int(count) for year, count in counts.all()}
    sums = (
        published.add_columns(*CELL_KEY, *exact_sum(ReportCell.value))
        .join(ReportCell, cells_join)
        .where(
            col(ReportCell.section).in_(_TREND_SECTIONS),
            col(ReportCell.column).in_(_TREND_COLUMNS),
        )
        .group_by(col(Report.year), *CELL_KEY)
    )
    cells: _YearCells = defaultdict(dict)
    for year, section, row, column, high, low in session.execute(sums).all():
        cells[year][(section, row, column)] = from_parts(high, low) or 0
    return reports, cells


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
