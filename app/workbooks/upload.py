"""A workbook PUT as a report: read it, then store it through the one write path.

The answer is the JSON PUT's answer, with each finding's and schema error's worksheet cells
(``sheet_cells``) beside its JSON Pointers and the reader's ``diagnostics``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, get_args

from fastapi import Depends, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app.agencies.models import Agency
from app.errors import ProblemError, SchemaProblem, SchemaValidationError, UnprocessableError
from app.formats.schema import ReportScope, ReportStatus, parse_report
from app.http.json_body import json_object
from app.http.media_types import media_type_of
from app.reports import service
from app.reports.views import written_report_json
from app.workbooks.reader import WorkbookRead, read_workbook
from app.workbooks.template import XLSX_MEDIA_TYPE

STATUSES: tuple[str, ...] = get_args(ReportStatus)
SCOPES: tuple[str, ...] = get_args(ReportScope)


class WorkbookInvalid(UnprocessableError):
    code = "workbook_invalid"


@dataclass(frozen=True)
class WorkbookUpload:
    data: bytes
    status: str
    scope: str


def is_workbook(request: Request) -> bool:
    return media_type_of(request.headers.get("content-type")) == XLSX_MEDIA_TYPE


def write_options(request: Request) -> tuple[str, str]:
    """``status`` and ``scope`` of a workbook upload, from the query (default draft, agency)."""
    problems = []
    chosen = []
    for name, allowed, default in (("status", STATUSES, "draft"), ("scope", SCOPES, "agency")):
        value = request.query_params.get(name, default)
        if value not in allowed:
            problems.append(
                SchemaProblem(
                    pointer=f"#/query/{name}", message="must be one of: " + ", ".join(allowed)
                )
            )
        chosen.append(value)
    if problems:
        raise SchemaValidationError(problems)
    return chosen[0], chosen[1]


async def report_payload(request: Request) -> dict[str, Any] | WorkbookUpload:
    """A JSON report body, or the bytes of a workbook sent with the xlsx media type."""
    if is_workbook(request):
        report_status, scope = write_options(request)
        return WorkbookUpload(await request.body(), report_status, scope)
    return await json_object(request)


JsonOrWorkbookDep = Annotated[dict[str, Any] | WorkbookUpload, Depends(report_payload)]


def refuse_unreadable(read: WorkbookRead) -> None:
    """422 naming every cell the reader could not read for certain."""
    if not read.errors:
        return
    raise WorkbookInvalid(
        f"the workbook has {len(read.errors)} cell(s) that cannot be read",
        errors=[
            {
                "pointer": d.get("pointer", ""),
                "message": d["message"],
                "sheet_cells": [d["source"]] if "source" in d else [],
            }
            for d in read.errors
        ],
        diagnostics=read.diagnostics,
    )


def refuse_foreign(read: WorkbookRead, *, agency: Agency, year: int) -> None:
    """A workbook marked for another agency or year is a mix-up, not a report of this one."""
    wrong = []
    if read.agency_code and read.agency_code != agency.code:
        wrong.append(("/agency_code", f"the workbook is for agency {read.agency_code}"))
    if read.year is not None and read.year != year:
        wrong.append(("/year", f"the workbook is for {read.year}"))
    if wrong:
        raise WorkbookInvalid(
            f"this workbook is not {agency.code}/{year}'s: " + "; ".join(m for _, m in wrong),
            errors=[{"pointer": p, "message": m, "sheet_cells": []} for p, m in wrong],
        )


def with_sheet_cells(error: ProblemError, read: WorkbookRead) -> ProblemError:
    """``error`` with the worksheet cells beside every pointer it names."""
    for problem in error.extensions.get("errors") or []:
        problem["sheet_cells"] = read.cells_of([problem["pointer"]])
    for finding in error.extensions.get("findings") or []:
        finding["sheet_cells"] = read.cells_of(finding["cells"])
    error.extensions["diagnostics"] = read.diagnostics
    return error


def store_read_report(
    session: Session,
    *,
    agency: Agency,
    year: int,
    read: WorkbookRead,
    report_status: str,
    scope: str,
    writer: service.Writer,
    if_match: str | None,
    lang: str,
) -> tuple[service.StoredReport, bool, dict[str, Any]]:
    """Validate and store what was read, exactly as a JSON PUT of it would be."""
    refuse_unreadable(read)
    payload = {**read.report, "status": report_status, "scope": scope}
    try:
        body = parse_report(payload, year=year)
        stored, created = service.put_report(
            session, agency=agency, year=year, body=body, writer=writer, if_match=if_match
        )
    except (SchemaValidationError, UnprocessableError) as error:
        raise with_sheet_cells(error, read) from None
    written = written_report_json(stored, body, lang)
    for finding in written["findings"]:
        finding["sheet_cells"] = read.cells_of(finding["cells"])
    written["diagnostics"] = read.diagnostics
    return stored, created, written


def put_workbook(
    session: Session,
    *,
    agency: Agency,
    year: int,
    upload: WorkbookUpload,
    writer: service.Writer,
    if_match: str | None,
    lang: str,
) -> Response:
    """PUT …/reports/{year} with a workbook body; answers as the JSON PUT does."""
    read = read_workbook(upload.data)  # its own marks, checked against the path below
    refuse_foreign(read, agency=agency, year=year)
    stored, created, written = store_read_report(
        session,
        agency=agency,
        year=year,
        read=read,
        report_status=upload.status,
        scope=upload.scope,
        writer=writer,
        if_match=if_match,
        lang=lang,
    )
    # A plain response: the stored-report model would drop sheet_cells and diagnostics.
    return JSONResponse(
        jsonable_encoder(written),
        status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        headers={
            "ETag": stored.etag,
            "Location": f"/api/v1/agencies/{agency.code}/reports/{year}",
        },
    )


def workbook_request_body(json_body: dict[str, Any]) -> dict[str, Any]:
    """The PUT's OpenAPI request body with the workbook media type beside JSON."""
    extra = dict(json_body)
    body = dict(extra.get("requestBody", {}))
    content = dict(body.get("content", {}))
    content[XLSX_MEDIA_TYPE] = {"schema": {"type": "string", "format": "binary"}}
    body["content"] = content
    extra["requestBody"] = body
    parameters = list(extra.get("parameters", []))
    for name, allowed, default in (("status", STATUSES, "draft"), ("scope", SCOPES, "agency")):
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"Workbook uploads only: the report's {name} "
                "(JSON bodies carry it).",
                "schema": {"type": "string", "enum": list(allowed), "default": default},
            }
        )
    extra["parameters"] = parameters
    return extra
