"""Check a body against every rule without storing it: /validate and the filing page."""

from __future__ import annotations

from sqlmodel import Session

from app.agencies.models import Agency
from app.formats.rules import Evaluation, evaluate
from app.formats.schema import ReportBody
from app.reports import service
from app.reports.rule_context import rule_context


def check_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    body: ReportBody,
    include_unpublished: bool,
    lang: str = "zh",
) -> Evaluation:
    """Cross-year rules use the agency's stored report of the year before: its published
    revision, or its latest one for callers who may see drafts."""
    previous = service.previous_year_cells(
        session, agency=agency, year=year, include_unpublished=include_unpublished
    )
    context = rule_context(session, agency=agency, year=year, body=body)  # issue 14
    return evaluate(
        body,
        year=year,
        previous=previous,
        lang=lang,
        agency_kind=context.agency_kind,
        identical=context.identical,
    )
