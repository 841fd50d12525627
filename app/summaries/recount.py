"""Tallies recounted from the cells with one ``GROUP BY``: the truth the roll-ups must equal.

This is how /summary summed before roll-ups (the consolidation rule in SQL, app.summaries.
scope), grouped by format as well. ``rebuild`` writes every roll-up from it:
``python -m app rebuild-rollups`` and the migration that added the roll-ups. It costs a
grouped query per agency and year over the agency's subtree, which is fine for an
operator's command, not for a request.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, not_, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.db import begin_write
from app.reports.models import Report, ReportCell, ReportRevision
from app.summaries.models import SummaryRollup
from app.summaries.rollups import own_tree
from app.summaries.scope import (
    CELL_KEY,
    Scope,
    covered_by_consolidated,
    exact_sum,
    from_parts,
    is_published,
    published_cells_join,
    within,
)
from app.summaries.tally import FormatSums, Tally, cell_name

# Rows written per INSERT by the rebuild.
_CHUNK = 500


def recount(session: Session, *, scope: Scope, year: int) -> Tally:
    """The tally of ``scope`` for ``year``, from the published reports' cells."""
    revision_join, cells_join = published_cells_join()
    published_in = (col(Report.year) == year, within(col(Agency.path), scope), is_published())
    reports = (
        select(func.count())
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .where(*published_in)
    )
    published = session.execute(reports).scalar_one()
    summed = (
        select(col(ReportRevision.format))
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .join(ReportRevision, revision_join)
        .where(*published_in, not_(covered_by_consolidated(scope)))
    )
    counts = session.execute(
        summed.add_columns(func.count()).group_by(col(ReportRevision.format))
    ).all()
    cells: dict[str, dict[str, int]] = {format_id: {} for format_id, _ in counts}
    sums = session.execute(
        summed.add_columns(*CELL_KEY, *exact_sum(ReportCell.value))
        .join(ReportCell, cells_join)
        .group_by(col(ReportRevision.format), *CELL_KEY)
    )
    for format_id, section, row, column, high, low in sums:
        if value := from_parts(high, low):
            cells[format_id][cell_name((section, row, column))] = int(value)
    return Tally(
        published,
        {format_id: FormatSums(int(count), cells[format_id]) for format_id, count in counts},
    )


def rebuild(session: Session) -> int:
    """Replace every roll-up by its recount, in one write transaction; returns the rows
    written. Publications and agency moves wait until it ends."""
    own_tree(begin_write(session))
    written = write_recounts(session)
    session.commit()
    return written


def write_recounts(session: Session) -> int:
    """Replace every roll-up by its recount inside the caller's transaction.

    An agency has a row for each year with a published report in its subtree.
    """
    reporting = session.execute(
        select(col(Report.year), col(Agency.path))
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .where(is_published())
    ).all()
    wanted = sorted(
        {(year, int(part)) for year, path in reporting for part in path.split("/") if part}
    )
    agencies = {agency.id: agency for agency in session.scalars(select(Agency))}
    session.execute(delete(SummaryRollup))
    rows = []
    for year, agency_id in wanted:
        tally = recount(session, scope=Scope(agencies[agency_id]), year=year)
        rows.append(
            {
                "agency_id": agency_id,
                "year": year,
                "reported": tally.reported,
                "covered": tally.covered,
                "sums": tally.stored_sums(),
            }
        )
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(SummaryRollup), rows[start : start + _CHUNK])
    return len(rows)
