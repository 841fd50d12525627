"""Workbooks over HTTP: templates, pre-filled reports, subtree workbooks, batches, and the
summary and export as XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.agencies.dependencies import AgencyReadDep, BatchWriterDep
from app.agencies.models import Agency
from app.agencies.paths import subtree_condition
from app.db import SessionDep
from app.errors import NotFoundError, PayloadTooLarge, problem_responses
from app.formats.definitions import FORMATS
from app.http.language import LangDep
from app.reports.router import writer_of
from app.summaries import export
from app.summaries import service as summaries
from app.summaries.etags import data_etag
from app.summaries.router import ScopeDep
from app.types import YearPath, YearQuery
from app.workbooks import batch
from app.workbooks.exports import export_workbook, summary_workbook
from app.workbooks.prefill import known_report
from app.workbooks.template import (
    XLSX_MEDIA_TYPE,
    WorkbookReport,
    report_workbook,
    subtree_workbook,
)
from app.workbooks.upload import JsonOrWorkbookDep, WorkbookUpload

router = APIRouter(prefix="/api/v1", tags=["workbooks"])

MAX_SUBTREE_SHEETS = 250
_XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "An .xlsx workbook.", "content": {XLSX_MEDIA_TYPE: {}}}
}


def _xlsx(data: bytes, filename: str, etag: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if etag:
        headers["ETag"] = etag
    return Response(content=data, media_type=XLSX_MEDIA_TYPE, headers=headers)


@router.get(
    "/formats/{format_id}/workbook.xlsx",
    summary="The blank workbook template of a format",
    response_class=Response,
    responses={**_XLSX_RESPONSE, **problem_responses(404)},
)
def get_template(
    format_id: Annotated[str, Path(description="Format id.", examples=["2021"])],
) -> Response:
    fmt = FORMATS.get(format_id)
    if fmt is None:
        raise NotFoundError(f"unknown format {format_id}")
    return _xlsx(report_workbook(WorkbookReport(fmt)), f"template-{fmt.id}.xlsx")


@router.get(
    "/agencies/{code}/reports/{year}/workbook.xlsx",
    summary="An agency's workbook for a year, pre-filled with what the service knows",
    response_class=Response,
    responses={**_XLSX_RESPONSE, **problem_responses(401, 404, 422)},
)
def get_report_workbook(access: AgencyReadDep, session: SessionDep, year: YearPath) -> Response:
    """The stored revision the caller may see (as the report GET); otherwise the template
    with 上年结转 taken from last year's 结转下年度. In format 2021, last year's 现行有效件数
    is shown beside the 规章 and 行政规范性文件 rows."""
    known = known_report(
        session, agency=access.agency, year=year, include_unpublished=access.may_see_unpublished
    )
    return _xlsx(report_workbook(known.report), f"{access.agency.code}-{year}.xlsx")


@router.get(
    "/agencies/{code}/workbook.xlsx",
    summary="One workbook for a subtree: a sheet per agency",
    response_class=Response,
    responses={**_XLSX_RESPONSE, **problem_responses(401, 404, 413, 422)},
)
def get_subtree_workbook(access: AgencyReadDep, session: SessionDep, year: YearQuery) -> Response:
    """Every agency of the subtree (the agency first, in tree order), each pre-filled as its
    own workbook would be; drafts only for agencies the caller may act on. Fill it in and send
    it to `POST /api/v1/reports/batch`."""
    agencies = _subtree(session, access.agency)
    reports = [
        known_report(
            session,
            agency=agency,
            year=year,
            include_unpublished=access.caller.may_act_on(agency),
        ).report
        for agency in agencies
    ]
    names = sheet_names([agency.code for agency in agencies])
    data = subtree_workbook(reports, year=year, names=names)
    return _xlsx(data, f"{access.agency.code}-subtree-{year}.xlsx")


def _subtree(session: Session, agency: Agency) -> list[Agency]:
    query = select(Agency).where(subtree_condition(agency)).order_by(col(Agency.path))
    agencies = list(session.exec(query.limit(MAX_SUBTREE_SHEETS + 1)))
    if len(agencies) > MAX_SUBTREE_SHEETS:
        raise PayloadTooLarge(
            f"the subtree of {agency.code} has more than {MAX_SUBTREE_SHEETS} agencies; "
            "ask for the workbook of an agency lower down"
        )
    return agencies


def sheet_names(codes: list[str]) -> list[str]:
    """Unique sheet names (≤ 31 characters) from agency codes; the sheet also states its code."""
    names: list[str] = []
    for code in codes:
        name, number = code[:31], 1
        while name in names:
            number += 1
            suffix = f"~{number}"
            name = code[: 31 - len(suffix)] + suffix
        names.append(name)
    return names


@router.post(
    "/reports/batch",
    summary="Store many reports at once, each on its own",
    responses=problem_responses(401, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "items": {
                                "type": "array",
                                "maxItems": batch.MAX_BATCH_ITEMS,
                                "items": {
                                    "type": "object",
                                    "required": ["agency_code", "year", "report"],
                                    "properties": {
                                        "agency_code": {"type": "string"},
                                        "year": {"type": "integer"},
                                        "report": {"$ref": "#/components/schemas/ReportBodyInput"},
                                        "if_match": {"type": "string"},
                                    },
                                },
                            }
                        },
                        "required": ["items"],
                    }
                },
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def post_batch(
    caller: BatchWriterDep, session: SessionDep, payload: JsonOrWorkbookDep, lang: LangDep
) -> dict[str, Any]:
    """JSON `{"items": [{agency_code, year, report}]}` or the subtree workbook (query
    `status` and `scope` as for a workbook PUT). Each item is authorized and stored as one
    PUT would be; one bad item refuses that item only. Always 200, with each item's
    `status` (201, 200 or 4xx), `revision`, `findings` and, when refused, its `problem`."""
    writer = writer_of(caller)
    if isinstance(payload, WorkbookUpload):
        items = batch.store_workbook_items(
            session,
            caller=caller,
            data=payload.data,
            report_status=payload.status,
            scope=payload.scope,
            writer=writer,
            lang=lang,
        )
    else:
        items = batch.store_json_items(
            session, caller=caller, items=batch.batch_items(payload), writer=writer, lang=lang
        )
    return {"items": items}


@router.get(
    "/summary.xlsx",
    summary="The summary as a workbook",
    response_class=Response,
    responses={**_XLSX_RESPONSE, **problem_responses(404, 422)},
)
def get_summary_xlsx(session: SessionDep, scope: ScopeDep, year: YearQuery) -> Response:
    """`GET /api/v1/summary` as sheets: the scope and the agencies summed, then one sheet
    per table with Chinese labels."""
    etag = data_etag(
        session,
        scope=scope,
        first_year=year,
        last_year=year,
        params=("summary.xlsx", scope.code, year),
    )
    # The workbook lists the reports summed: a sheet is not paged like the JSON.
    summary = summaries.summarize(session, scope=scope, year=year, include_agencies=True)
    data = summary_workbook(summary)
    return _xlsx(data, f"summary-{year}-{scope.code or 'all'}.xlsx", etag)


@router.get(
    "/export.xlsx",
    summary="Every published cell of a subtree for a year, as a workbook",
    response_class=Response,
    responses={**_XLSX_RESPONSE, **problem_responses(404, 422)},
)
def get_export_xlsx(
    request: Request, session: SessionDep, scope: ScopeDep, year: YearQuery
) -> Response:
    """The rows of `export.csv`, with Chinese headers and the cells' Chinese labels."""
    etag = data_etag(
        session,
        scope=scope,
        first_year=year,
        last_year=year,
        params=("export.xlsx", scope.code, year),
    )
    data = export_workbook(export.export_rows(request.app.state.engine, scope=scope, year=year))
    return _xlsx(data, f"disclosure-{year}-{scope.code or 'all'}.xlsx", etag)
