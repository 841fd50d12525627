"""The published reports a summary covers, listed: those summed, those covered.

The only part of a summary whose size grows with the subtree, so it is read only when asked
for (``include=agencies``) or a page at a time (``/summary/agencies``).
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy import ColumnElement, case, not_, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.reports.models import Report, ReportRevision
from app.summaries.schemas import agency_named
from app.summaries.scope import Scope, covered_by_consolidated, is_published, within

Listed: TypeAlias = dict[str, str]
"""A published report in a summary: code, name, format and scope (as ``SummedReport``)."""


def published_reports(
    session: Session,
    *,
    scope: Scope,
    year: int,
    covered: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple[Listed, bool]]:
    """The published reports of the scope in tree order, each with whether it is covered by
    a consolidated report; only the covered (or only the summed) ones when ``covered`` says."""
    is_covered = covered_by_consolidated(scope)
    query = (
        select(
            col(Agency.code),
            col(Agency.name),
            _published_format(),
            col(Report.published_scope),
            is_covered,
        )
        .select_from(Report)
        .join(Agency, col(Agency.id) == col(Report.agency_id))
        .where(col(Report.year) == year, within(col(Agency.path), scope), is_published())
        .order_by(Agency.path, col(Agency.code))
    )
    if covered is not None:
        query = query.where(is_covered if covered else not_(is_covered))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [
        (
            {**agency_named(code, name), "format": fmt, "scope": published_scope or "agency"},
            bool(is_covered_row),
        )
        for code, name, fmt, published_scope, is_covered_row in session.execute(query)
    ]


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
