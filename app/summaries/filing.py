"""Filing status: for every agency of a subtree, whether and how far it has filed a year.

Only the head row is read (status, finding counts, last change), never report content.
What a caller sees of an agency depends on who asks, exactly as for its reports: the
administrator, and a key of the agency or of one above it, see drafts, submissions and
finding counts; everyone else sees `published` or `missing` and no counts, derived from
published data only.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, false, func, literal, null, select, true
from sqlmodel import Session, col

from app.agencies.models import Agency
from app.agencies.paths import path_within
from app.agencies.schemas import AgencyRef
from app.reports.models import Report
from app.summaries.schemas import (
    FILING_STATUSES,
    FilingItem,
    FilingStatus,
    FilingStatusPage,
    agency_named,
)
from app.summaries.scope import Scope, within


def visible_to(private_path: str | None) -> ColumnElement[bool]:
    """Rows of agencies whose unpublished states the caller may see."""
    if private_path is None:
        return false()
    if private_path == "":
        return true()
    return path_within(col(Agency.path), private_path)


def filing_status(
    session: Session,
    *,
    scope: Scope,
    year: int,
    status: FilingStatus | None,
    limit: int,
    offset: int,
    private_path: str | None = None,
) -> FilingStatusPage:
    """``private_path``: the subtree whose unpublished states the caller may see ("" for all,
    None for none — ``Caller.private_path``)."""
    published_only = case(
        (col(Report.published_revision).is_not(None), literal("published")),
        else_=literal("missing"),
    )
    visible = visible_to(private_path)
    status_of = case(
        (visible, func.coalesce(col(Report.status), literal("missing"))), else_=published_only
    )
    agencies = (
        select(
            col(Agency.code),
            col(Agency.name),
            status_of.label("status"),
            case((visible, col(Report.error_count)), else_=null()),
            case((visible, col(Report.warning_count)), else_=null()),
            case((visible, col(Report.updated_at)), else_=null()),
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
                **agency_named(code, name),
                status=state,
                error_count=errors,
                warning_count=warnings,
                updated_at=updated,
            )
            for code, name, state, errors, warnings, updated in rows
        ],
    )
