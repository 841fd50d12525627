"""An agency's page: who it is, where it sits, its reports by year and a trend of key figures.

Reports are those GET /api/v1/agencies/{code}/reports lists for the same caller (the latest
revision for the agency and those above it, the latest published one for everyone else);
the trend is GET /api/v1/agencies/{code}/trend's, which reads published reports only.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code, get_family
from app.db import SessionDep
from app.errors import NotFoundError
from app.pages.chart import Chart, Series, line_chart
from app.pages.labels import KIND_NAMES, STATUS_NAMES
from app.pages.not_found import not_found_page
from app.pages.router import render
from app.pages.session import PageCallerDep
from app.reports import service as reports
from app.summaries import service as summaries
from app.summaries.router import MAX_TREND_SPAN
from app.summaries.schemas import TrendYear
from app.types import AgencyCodePath

router = APIRouter(include_in_schema=False)

# The key figures, as the trend service names them: (label, how to read it from a year).
TREND_FIGURES = ("新收申请", "予以公开", "行政复议", "行政诉讼")


def _figures(year: TrendYear) -> tuple[int | None, ...]:
    litigation = [
        outcome.total
        for outcome in (year.litigation_direct, year.litigation_after_review)
        if outcome.total is not None
    ]
    return (
        year.new_applications,
        year.granted,
        year.reviews.total,
        sum(litigation) if litigation else None,
    )


@dataclass(frozen=True)
class Trend:
    years: list[int]
    rows: list[tuple[int, tuple[int | None, ...]]]  # the data table beside the chart
    chart: Chart


def _trend(session: SessionDep, agency: Agency, published_years: list[int]) -> Trend | None:
    if not published_years:
        return None
    last = max(published_years)
    first = max(min(published_years), last - MAX_TREND_SPAN + 1)
    years = summaries.trend(session, agency=agency, subtree=False, first_year=first, last_year=last)
    rows = [(year.year, _figures(year)) for year in years]
    series = [
        Series(label, [figures[index] for _, figures in rows])
        for index, label in enumerate(TREND_FIGURES)
    ]
    return Trend([year for year, _ in rows], rows, line_chart([year for year, _ in rows], series))


@router.get("/agencies/{code}", response_class=HTMLResponse)
def agency_page(
    request: Request, code: AgencyCodePath, caller: PageCallerDep, session: SessionDep
) -> HTMLResponse:
    try:
        agency = get_agency_by_code(session, code)
    except NotFoundError:
        return not_found_page(request, f"没有代码为 {code} 的机关。")
    may_act = caller.may_act_on(agency)
    family = get_family(session, agency=agency)
    listed = reports.list_reports(session, agency=agency, include_unpublished=may_act)
    published_years = [head.year for head, _ in listed if head.published_revision is not None]
    return render(
        request,
        "agency.html",
        {
            "title": agency.name,
            "agency": agency,
            "family": family,
            "reports": listed,
            "may_act": may_act,
            "trend": _trend(session, agency, published_years),
            "figures": TREND_FIGURES,
            "kinds": KIND_NAMES,
            "names": STATUS_NAMES,
        },
    )
