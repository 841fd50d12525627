"""Portal summaries over HTTP: anonymous reads of published data, cached by data ETags.

Each route first computes its ETag with one cheap aggregate query (app.summaries.etags)
and answers 304 to a matching If-None-Match before running the heavy query.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import Response as PlainResponse
from pydantic import BaseModel
from sqlalchemy import Connection
from sqlmodel import Session

from app.agencies.dependencies import AgencyDep, CallerDep, public_read_router
from app.agencies.schemas import AgencyRef
from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.errors import SchemaProblem, SchemaValidationError, problem_responses
from app.http.cache import ImmutableResponseCache
from app.http.conditional import IfNoneMatch, not_modified_response
from app.http.shortcuts import ReadRequest, RouteName, Shortcut
from app.summaries import export, filing, service
from app.summaries.etags import data_etag, published_year_etag
from app.summaries.schemas import (
    ExportDictionary,
    FilingStatus,
    FilingStatusPage,
    Summary,
    SummaryAgencyPage,
    Trend,
)
from app.summaries.scope import Scope
from app.types import YEAR_MAX, YEAR_MIN, YearQuery, is_agency_code

router = public_read_router(tags=["summaries"])

MAX_TREND_SPAN = 50
READ_ERRORS = problem_responses(304, 404, 422)


ScopeAgencyQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        description="Agency code: its subtree, itself included. "
        "Without it: every agency (all roots).",
        examples=["320829"],
    ),
]


def scope_of(session: Session, agency: str | None) -> Scope:
    return Scope(None if agency is None else get_agency_by_code(session, agency))


def get_scope(session: SessionDep, agency: ScopeAgencyQuery = None) -> Scope:
    return scope_of(session, agency)


ScopeDep = Annotated[Scope, Depends(get_scope)]


# Bodies keyed by their data-derived ETag: a key is never reused for other data (app/cache.py).
# Any write in a year changes the ETag of every summary of that year, so older bodies are
# dead weight; 32 MB holds the current ones (a province: 0.5 MB at 10,000 reports, 4.6 MB at
# 100,000).
BODY_CACHE = ImmutableResponseCache(max_entries=512, max_bytes=32 * 2**20)


def _respond(etag: str, if_none_match: str | None, make: Callable[[], bytes]) -> PlainResponse:
    """304 when the caller holds ``etag``; else the JSON body for it, made at most once here."""
    if (cached := not_modified_response(if_none_match, etag)) is not None:
        return cached
    return _body_response(etag, BODY_CACHE.get_or_make(etag, make))


def _body_response(etag: str, body: bytes) -> PlainResponse:
    return PlainResponse(content=body, media_type="application/json", headers={"ETag": etag})


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()


@router.get(
    "/summary",
    summary="A subtree's published reports for a year, summed",
    response_model=Summary,
    responses=READ_ERRORS,
)
def get_summary(
    session: SessionDep,
    *,
    agency: ScopeAgencyQuery = None,
    year: YearQuery,
    include: Annotated[
        Literal["agencies"] | None,
        Query(description="`agencies`: list the reports summed and those covered."),
    ] = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """Sums the published revision of every report of the subtree, cell by cell, in time
    that does not grow with the subtree (from roll-ups kept by every publication). A report
    inside a published consolidated report (本级政府汇总) of an agency above it is not summed
    again; it is counted in `covered_by_consolidated`. With reports in two formats, only the
    cells both have are summed; the others are listed in `omitted_cells`. The reports
    themselves come with `include=agencies`, or a page at a time from `/summary/agencies`."""
    with_agencies = include == "agencies"
    etag = summary_etag(session.connection(), agency=agency, year=year, with_agencies=with_agencies)
    return _respond(
        etag,
        if_none_match,
        lambda: service.summarize(
            session, scope=scope_of(session, agency), year=year, include_agencies=with_agencies
        ),
    )


def summary_etag(
    connection: Connection, *, agency: str | None, year: int, with_agencies: bool
) -> str:
    """The summary's ETag. Its query finds the agency too: a 304 (or a cached body) costs
    that query alone."""
    return published_year_etag(
        connection, code=agency, year=year, params=("summary", agency, year, with_agencies)
    )


def _anonymous_summary(connection: Connection, request: ReadRequest) -> PlainResponse | None:
    query = request.query
    year, agency, include = query.get("year", ""), query.get("agency"), query.get("include")
    if not (year.isascii() and year.isdigit() and YEAR_MIN <= int(year) <= YEAR_MAX):
        return None
    if include not in (None, "agencies") or (agency is not None and not is_agency_code(agency)):
        return None
    etag = summary_etag(
        connection, agency=agency, year=int(year), with_agencies=include == "agencies"
    )
    if (unchanged := not_modified_response(request.if_none_match, etag)) is not None:
        return unchanged
    body = BODY_CACHE.get(etag)  # not cached yet: the route makes it
    return None if body is None else _body_response(etag, body)


# A summary the caller holds (304) or this process has cached, before FastAPI's routing
# (app/http/shortcuts.py); whatever else goes on to the route.
SUMMARY_SHORTCUT = Shortcut(
    route=RouteName("/api/v1/summary"),
    pattern=re.compile(r"/api/v1/summary"),
    query_names=frozenset({"year", "agency", "include"}),
    answer=_anonymous_summary,
)


@router.get(
    "/summary/agencies",
    summary="The reports of a summary, a page at a time",
    response_model=SummaryAgencyPage,
    responses=READ_ERRORS,
)
def get_summary_agencies(
    session: SessionDep,
    *,
    agency: ScopeAgencyQuery = None,
    year: YearQuery,
    covered: Annotated[
        bool,
        Query(
            description="false: the reports summed; true: those covered by a consolidated "
            "report of an agency above them."
        ),
    ] = False,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")] = 0,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """The published reports `/summary` summed (or, with `covered=true`, counted in
    `covered_by_consolidated`), in tree order; `total` is the count `/summary` gives."""
    etag = published_year_etag(
        session.connection(),
        code=agency,
        year=year,
        params=("summary-agencies", agency, year, covered, limit, offset),
    )
    return _respond(
        etag,
        if_none_match,
        lambda: _json(
            service.summary_agencies(
                session,
                scope=scope_of(session, agency),
                year=year,
                covered=covered,
                limit=limit,
                offset=offset,
            )
        ),
    )


@router.get(
    "/agencies/{code}/trend",
    summary="Key figures of an agency per year",
    response_model=Trend,
    responses=READ_ERRORS,
)
def get_trend(
    session: SessionDep,
    agency: AgencyDep,
    from_year: Annotated[
        int,
        Query(alias="from", ge=YEAR_MIN, le=YEAR_MAX, description="First year.", examples=[2019]),
    ],
    to_year: Annotated[
        int, Query(alias="to", ge=YEAR_MIN, le=YEAR_MAX, description="Last year.", examples=[2024])
    ],
    subtree: Annotated[bool, Query(description="Include the agencies below it.")] = False,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """New applications, outcomes, carried forward, reviews and litigation per year, from the
    published reports (with `subtree`, summed as in `/summary`). Years without a report have
    `reports: 0` and null figures."""
    if from_year > to_year:
        raise SchemaValidationError([SchemaProblem(pointer="#/query/to", message="must be ≥ from")])
    if to_year - from_year + 1 > MAX_TREND_SPAN:
        raise SchemaValidationError(
            [
                SchemaProblem(
                    pointer="#/query/to", message=f"at most {MAX_TREND_SPAN} years after from"
                )
            ]
        )
    scope = Scope(agency)
    etag = data_etag(
        session,
        scope=scope,
        first_year=from_year,
        last_year=to_year,
        params=("trend", agency.code, from_year, to_year, subtree),
    )

    def trend() -> Trend:
        years = service.trend(
            session, agency=agency, subtree=subtree, first_year=from_year, last_year=to_year
        )
        return Trend(
            agency=AgencyRef(code=agency.code, name=agency.name),
            subtree=subtree,
            from_=from_year,
            to=to_year,
            years=years,
            from_year=from_year,
            to_year=to_year,
        )

    return _respond(etag, if_none_match, lambda: _json(trend()))


@router.get(
    "/filing-status",
    summary="Who has filed a year's report, within a subtree",
    response_model=FilingStatusPage,
    responses=READ_ERRORS,
)
def get_filing_status(
    caller: CallerDep,
    session: SessionDep,
    scope: ScopeDep,
    year: YearQuery,
    status: Annotated[
        FilingStatus | None, Query(description="Only agencies with this status.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")] = 0,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """Every agency of the subtree (the agency included), in tree order: `missing` when it
    has no report for the year, else its latest revision's status and finding counts. Drafts,
    submissions and counts are shown to the administrator and to keys of the agency or one
    above it; everyone else sees `published` or `missing` only, and no counts."""
    private_path = caller.private_path()
    etag = data_etag(
        session,
        scope=scope,
        first_year=year,
        last_year=year,
        params=("filing", scope.code, year, status, limit, offset, private_path),
        include_unpublished=private_path is not None,
    )
    return _respond(
        etag,
        if_none_match,
        lambda: _json(
            filing.filing_status(
                session,
                scope=scope,
                year=year,
                status=status,
                limit=limit,
                offset=offset,
                private_path=private_path,
            )
        ),
    )


@router.get(
    "/export/dictionary",
    summary="What the export's columns and cell codes mean",
    response_model=ExportDictionary,
)
def get_export_dictionary() -> ExportDictionary:
    return export.dictionary()
