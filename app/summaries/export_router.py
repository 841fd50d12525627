"""The exports over HTTP: CSV, JSON Lines and the Data Package describing them, for one year
(`year`) or several (`from`/`to`), cached by the data ETag like the summaries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.agencies.dependencies import public_read_router
from app.db import SessionDep
from app.errors import SchemaProblem, SchemaValidationError, problem_responses
from app.http.conditional import IfNoneMatch, not_modified_response
from app.summaries import export
from app.summaries.etags import data_etag
from app.summaries.router import MAX_TREND_SPAN, ScopeDep
from app.summaries.scope import Scope
from app.types import YEAR_MAX, YEAR_MIN

router = public_read_router(tags=["summaries"])
READ_ERRORS = problem_responses(304, 404, 422)


@dataclass(frozen=True)
class Years:
    first: int
    last: int

    @property
    def name(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


async def export_years(  # no I/O: on the event loop, not a thread-pool round trip
    year: Annotated[
        int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description="One report year.")
    ] = None,
    from_year: Annotated[
        int | None,
        Query(alias="from", ge=YEAR_MIN, le=YEAR_MAX, description="First year (with `to`)."),
    ] = None,
    to_year: Annotated[
        int | None,
        Query(alias="to", ge=YEAR_MIN, le=YEAR_MAX, description="Last year (default: `from`)."),
    ] = None,
) -> Years:
    """`year`, or `from` and `to` (at most 50 years), never both."""
    if year is not None and (from_year is not None or to_year is not None):
        _refuse("#/query/year", "give `year` or `from`/`to`, not both")
    if year is not None:
        return Years(year, year)
    if from_year is None:
        _refuse("#/query/from" if to_year is not None else "#/query/year", "is required")
    last = from_year if to_year is None else to_year
    if last < from_year:
        _refuse("#/query/to", "must not be before `from`")
    if last - from_year >= MAX_TREND_SPAN:
        _refuse("#/query/to", f"at most {MAX_TREND_SPAN} years at once")
    return Years(from_year, last)


def _refuse(pointer: str, message: str) -> NoReturn:
    raise SchemaValidationError([SchemaProblem(pointer=pointer, message=message)])


YearsDep = Annotated[Years, Depends(export_years)]


def _etag(session: SessionDep, scope: Scope, years: Years, kind: str) -> str:
    params = (kind, scope.code, years.first, years.last)
    return data_etag(
        session, scope=scope, first_year=years.first, last_year=years.last, params=params
    )


def _download(chunks: Iterator[str], media_type: str, etag: str, name: str) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={"ETag": etag, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/export.csv",
    summary="Every published cell of a subtree for one or several years, as CSV",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "UTF-8 CSV with a BOM, described by `/api/v1/datapackage.json`.",
            "content": {"text/csv": {}},
        },
        **READ_ERRORS,
    },
)
def get_export(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    years: YearsDep,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """One line per cell of each published report, with its labels, kind, unit, whether it
    is a total and the report's scope. Raw: a naive sum of `value` double-counts — leave out
    `is_total` cells, and either `consolidated` reports or the reports below them."""
    etag = _etag(session, scope, years, "export")
    if (cached := not_modified_response(if_none_match, etag)) is not None:
        return cached
    rows = export.export_rows(
        request.app.state.engine, scope=scope, year=years.first, last_year=years.last
    )
    name = f"disclosure-{years.name}-{scope.code or 'all'}.csv"
    return _download(rows, "text/csv; charset=utf-8", etag, name)


@router.get(
    "/export.jsonl",
    summary="The export as JSON Lines: one typed object per cell",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One JSON object per line, the CSV's columns as keys.",
            "content": {"application/jsonl": {}},
        },
        **READ_ERRORS,
    },
)
def get_export_lines(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    years: YearsDep,
    if_none_match: IfNoneMatch = None,
) -> Any:
    etag = _etag(session, scope, years, "export.jsonl")
    if (cached := not_modified_response(if_none_match, etag)) is not None:
        return cached
    lines = export.export_lines(
        request.app.state.engine, scope=scope, year=years.first, last_year=years.last
    )
    name = f"disclosure-{years.name}-{scope.code or 'all'}.jsonl"
    return _download(lines, "application/jsonl; charset=utf-8", etag, name)


@router.get(
    "/datapackage.json",
    summary="A Frictionless Data Package describing the CSV export of the same query",
    responses=problem_responses(404, 422),
)
def get_datapackage(request: Request, scope: ScopeDep, years: YearsDep) -> dict[str, Any]:
    """Its resource points at `export.csv` with the same query; the schema types each column
    (integers for counts, a boolean `is_total`)."""
    query = request.url.query
    return export.datapackage(f"/api/v1/export.csv?{query}" if query else "/api/v1/export.csv")
