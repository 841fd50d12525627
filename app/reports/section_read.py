"""Reading one section of a stored report: the service's hottest read, kept lean.

The section GET answers most requests from its cache of rendered revisions, so what it does
on every request is find which revision the caller sees. That is one query for the agency
and the report's head together, of the few columns needed, with statements built once at
import (building and cache-keying a statement costs more than SQLite running it), run on a
plain Connection: no ORM Session or objects, whose bookkeeping costs as much again. The 404s
are those of ``get_agency_by_code`` and ``service.find_visible_revision``. Whether the caller
may see unpublished revisions is decided where every such decision is, in
``app.agencies.dependencies`` (``report_access``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, Text, and_, bindparam, cast, inspect, select
from sqlmodel import Session

from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.errors import NotFoundError, ReportNotFound, RevisionNotFound
from app.formats.cells import CellValue
from app.formats.definitions import CellKey
from app.reports import service, store
from app.reports.cells import cells_from_rows, computed_keys
from app.reports.models import Report, ReportCell, ReportRevision
from app.types import is_agency_code

_AGENCY_TABLE = inspect(Agency).local_table
_REPORT_TABLE = inspect(Report).local_table
_AGENCY, _REPORT = _AGENCY_TABLE.c, _REPORT_TABLE.c
_REVISION_TABLE = inspect(ReportRevision).local_table
_CELL_TABLE = inspect(ReportCell).local_table
_REVISION, _CELL = _REVISION_TABLE.c, _CELL_TABLE.c

_AGENCY_AND_HEAD = (
    select(_AGENCY.path, _REPORT.id, _REPORT.latest_revision, _REPORT.published_revision)
    .select_from(
        _AGENCY_TABLE.outerjoin(
            _REPORT_TABLE,
            and_(_REPORT.agency_id == _AGENCY.id, _REPORT.year == bindparam("year")),
        )
    )
    .where(_AGENCY.code == bindparam("code"))
)
# The revision's format and status with the section's cell rows, if any (a revision of
# zeros has none): one round trip. Cell columns are NULL in the row an outer join adds.
_REVISION_AND_SECTION_CELLS = (
    select(
        _REVISION.format,
        _REVISION.status,
        # As text, parsed once: the JSON type would decode it again for every cell row.
        cast(_REVISION.computed_cells, Text).label("computed_cells"),
        _CELL.row,
        _CELL.column,
        _CELL.value,
    )
    .select_from(
        _REVISION_TABLE.outerjoin(
            _CELL_TABLE,
            and_(
                _CELL.report_id == _REVISION.report_id,
                _CELL.revision == _REVISION.revision,
                _CELL.section == bindparam("section"),
            ),
        )
    )
    .where(
        _REVISION.report_id == bindparam("report_id"),
        _REVISION.revision == bindparam("revision"),
    )
)


@dataclass(frozen=True)
class ReportHead:
    """An agency found by its code, and the head of its report for one year if it has one."""

    agency_code: str
    agency_path: str
    year: int
    report_id: int | None
    latest_revision: int | None
    published_revision: int | None

    def visible_revision_number(self, *, include_unpublished: bool) -> int:
        """The revision the caller sees: the latest, or the latest published; 404 if none."""
        if self.report_id is None or self.latest_revision is None:
            # The same answer as for a report with only drafts, to those who may not see them.
            raise ReportNotFound(self.agency_code, self.year, published=not include_unpublished)
        return service.visible_revision_number(
            self.agency_code,
            self.year,
            latest=self.latest_revision,
            published=self.published_revision,
            include_unpublished=include_unpublished,
        )


def find_report_head(connection: Connection, *, code: str, year: int) -> ReportHead:
    if not is_agency_code(code):
        raise NotFoundError(f"unknown agency {code!r}")
    found = connection.execute(_AGENCY_AND_HEAD, {"code": code, "year": year}).first()
    if found is None:
        raise NotFoundError(f"unknown agency {code}")
    path, report_id, latest, published = found
    return ReportHead(code, path, year, report_id, latest, published)


@dataclass(frozen=True)
class SectionCells:
    """The cells of one section of one revision."""

    format: str
    cells: dict[CellKey, CellValue]
    computed: frozenset[CellKey]


def load_section_cells(
    connection: Connection,
    *,
    head: ReportHead,
    revision: int,
    section: str,
    include_unpublished: bool,
) -> SectionCells:
    """Like ``service.load_revision``, for one table section: one small query, no ORM."""
    params = {"report_id": head.report_id, "revision": revision, "section": section}
    rows = connection.execute(_REVISION_AND_SECTION_CELLS, params).all()
    if not rows or (not include_unpublished and rows[0].status != "published"):
        raise RevisionNotFound(head.agency_code, head.year, revision)
    format_id = rows[0].format
    stored = [(section, cell.row, cell.column, cell.value) for cell in rows if cell.row is not None]
    computed_json = rows[0].computed_cells
    computed = computed_keys(format_id, json.loads(computed_json) if computed_json else None)
    return SectionCells(format_id, cells_from_rows(format_id, stored, section), computed)


def load_revision_row(
    connection: Connection, *, head: ReportHead, revision: int, include_unpublished: bool
) -> ReportRevision:
    """The stored revision itself (its narrative, channels, contact), for the narrative."""
    if head.report_id is None:  # visible_revision_number has already refused this
        raise ReportNotFound(head.agency_code, head.year)
    with Session(connection) as session:
        return service.find_revision(
            session,
            report_id=head.report_id,
            number=revision,
            include_unpublished=include_unpublished,
            agency_code=head.agency_code,
            year=head.year,
        )


def load_stored_report(
    session: Session, *, head: ReportHead, revision: int, include_unpublished: bool
) -> service.StoredReport:
    """The whole revision ``revision`` of the head's report, with its agency and cells: the
    report GET once its ETag (decided from the head alone) did not match."""
    if head.report_id is None:  # visible_revision_number has already refused this
        raise ReportNotFound(head.agency_code, head.year)
    stored = service.find_revision(
        session,
        report_id=head.report_id,
        number=revision,
        include_unpublished=include_unpublished,
        agency_code=head.agency_code,
        year=head.year,
    )
    cells = store.cells_of(session, report_id=head.report_id, revision=stored)
    agency = get_agency_by_code(session, head.agency_code)
    return service.StoredReport(agency, head.year, stored, cells)
