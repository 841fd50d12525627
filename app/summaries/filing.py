"""Filing status: for every agency of a subtree, whether and how far it has filed a year.

Only the head row is read (status, finding counts, last change), never report content, so
anonymous callers may see it.
"""

from __future__ import annotations

from sqlalchemy import and_, func, literal, select
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.agencies.schemas import AgencyRef
from app.reports.models import Report
from app.summaries.schemas import (
    FILING_STATUSES,
    FilingItem,
    FilingStatus,
    FilingStatusPage,
)
from app.summaries.scope import Scope, within


def filing_status(
    session: Session,
    *,
    scope: Scope,
    year: int,
    status: FilingStatus | None,
    limit: int,
    offset: int,
) -> FilingStatusPage:
    status_of = func.coalesce(col(Report.status), literal("missing"))
    agencies = (
        select(
            col(Agency.code),
            col(Agency.name),
            status_of.label("status"),
            col(Report.error_count),
            col(Report.warning_count),
            col(Report.updated_at),
        )
        .outerjoin(Report, and_(col(Report.agency_id) == col(Agency.id), col(Report.year) == year))
        .where(within(col(Agency.path), scope))
    )
    counts: dict[FilingStatus, int] = dict.fromkeys(FILING_STATUSES, 0)
    for name, count in session.execute(
        agencies.with_only_columns(status_of, func.count()).group_by(status_of)
    ).all():
        counts[name] = count
    if status is not None:
        agencies = agencies.where(status_of == status)
    total = counts[status] if status is not None else sum(counts.values())
    rows = session.execute(
        agencies.order_by(Agency.path, col(Agency.code)).limit(limit).offset(offset)
    ).all()
    return FilingStatusPage(
        year=year,
        agency=None
        if scope.agency is None
        else AgencyRef(code=scope.agency.code, name=scope.agency.name),
        counts=counts,
        total=total,
        limit=limit,
        offset=offset,
        items=[
            FilingItem(
                code=code,
                name=name,
                status=state,
                error_count=errors,
                warning_count=warnings,
                updated_at=updated,
            )
            for code, name, state, errors, warnings, updated in rows
        ],
    )
