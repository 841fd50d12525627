"""What the rules need from storage beyond the year before (issue 14): the agency's kind and
the other agencies' published reports of the same year with the same figures.

Kept apart from ``service.py`` so the write path and ``/validate`` call it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlmodel import Session

from app.agencies.models import Agency
from app.db import metadata
from app.formats.cells import CompletedCells
from app.formats.checks import IdenticalReport
from app.formats.figures_digest import report_digest
from app.formats.schema import ReportBase
from app.reports.models import ReportRevision

IDENTICAL_LOOKUP_LIMIT = 20

_REPORT = metadata.tables["report"]
_REVISION = metadata.tables[ReportRevision.__tablename__]
_AGENCY = metadata.tables["agency"]


@dataclass(frozen=True)
class RuleContext:
    digest: str | None  # stored with the revision
    agency_kind: str | None
    identical: tuple[IdenticalReport, ...]


def rule_context(
    session: Session,
    *,
    agency: Agency,
    year: int,
    body: ReportBase,
    completed: CompletedCells | None = None,
) -> RuleContext:
    digest = report_digest(body, completed)
    identical = () if digest is None else identical_reports(session, agency, year, digest)
    return RuleContext(digest, agency.kind, identical)


def identical_reports(
    session: Session, agency: Agency, year: int, digest: str
) -> tuple[IdenticalReport, ...]:
    """Other agencies whose published report of ``year`` has the figures ``digest``."""
    rows = session.connection().execute(
        _IDENTICAL, {"digest": digest, "year": year, "agency_id": agency.id}
    )
    return tuple(IdenticalReport(code, name) for code, name in rows)


# Published revisions only: anyone may learn of those, and a draft may still change.
_IDENTICAL = (
    select(_AGENCY.c.code, _AGENCY.c.name)
    .select_from(_REVISION)
    .join(
        _REPORT,
        and_(
            _REPORT.c.id == _REVISION.c.report_id,
            _REPORT.c.published_revision == _REVISION.c.revision,
        ),
    )
    .join(_AGENCY, _AGENCY.c.id == _REPORT.c.agency_id)
    .where(
        _REVISION.c.figures_digest == bindparam("digest"),
        _REPORT.c.year == bindparam("year"),
        _REPORT.c.agency_id != bindparam("agency_id"),
    )
    .order_by(_AGENCY.c.code)
    .limit(IDENTICAL_LOOKUP_LIMIT)
)
