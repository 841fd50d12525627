"""Reports over HTTP: PUT a year's figures, read them back whole, by section or by revision."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response, status
from fastapi.responses import Response as PlainResponse
from sqlalchemy import Engine
from sqlmodel import Session

from app.agencies.dependencies import (
    AgencyAccess,
    AgencyReadDep,
    AgencyWriteDep,
    Caller,
    CallerDep,
    report_access,
)
from app.agencies.service import get_agency_by_code
from app.db import SessionDep, read_connection
from app.errors import problem_responses
from app.formats.schema import parse_report, parse_report_with_cells
from app.formats.sections import SectionView
from app.http.conditional import IfNoneMatch, not_modified_response
from app.http.json_body import JsonObjectDep
from app.http.language import LangDep
from app.reports import section_read, service
from app.reports.openapi import (
    post_report_request_body,
    report_request_body,
    validate_request_body,
)
from app.reports.schemas import (
    PostTarget,
    ReportList,
    ReportListItem,
    RevisionList,
    RevisionSummary,
    SectionName,
    StoredReportOut,
    ValidateTarget,
    ValidationResult,
)
from app.reports.section_answer import section_response
from app.reports.validation import check_report
from app.reports.views import (
    NarrativeView,
    public_writer,
    stored_report_json,
    written_report_bytes,
)
from app.types import AgencyCodePath, YearPath
from app.workbooks.upload import (
    JsonOrWorkbookDep,
    WorkbookUpload,
    put_workbook,
    workbook_request_body,
)

router = APIRouter(prefix="/api/v1", tags=["reports"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="ETag of the revision this write replaces; 412 if stale.",
        examples=['"r1"'],
    ),
]
CreateOnly = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        description="`*`: create only — 412 if the report already exists.",
        examples=["*"],
    ),
]
READ_ERRORS = problem_responses(304, 401, 404, 422)


def writer_of(caller: Caller) -> service.Writer:
    if caller.key is None:
        return service.Writer(written_by="admin")
    return service.Writer(written_by=f"key:{caller.key.key_id}", api_key_id=caller.key.id)


@router.put(
    "/agencies/{code}/reports/{year}",
    summary="Store a year's report (a new revision)",
    response_model=StoredReportOut,
    status_code=status.HTTP_200_OK,
    responses={
        201: {
            "description": "Created: the first revision of this report.",
            "model": StoredReportOut,
        },
        **problem_responses(401, 403, 404, 409, 412, 413, 422),
    },
    openapi_extra=workbook_request_body(report_request_body()),
)
def put_report(
    access: AgencyWriteDep,
    session: SessionDep,
    year: YearPath,
    payload: JsonOrWorkbookDep,
    lang: LangDep,
    if_match: IfMatch = None,
    if_none_match: CreateOnly = None,
) -> Any:
    """A draft is stored whatever its findings; `submitted` and `published` only without an
    error finding (else 422 with every finding, and nothing changes). Every write keeps the
    earlier revisions. The body may also be the report's workbook (the xlsx media type)."""
    if isinstance(payload, WorkbookUpload):  # a workbook: read and stored by app/workbooks
        return put_workbook(
            session,
            agency=access.agency,
            year=year,
            upload=payload,
            writer=writer_of(access.caller),
            if_match=if_match,
            lang=lang,
        )
    return write_json_report(access, session, year, payload, lang, if_match, if_none_match)


@router.post(
    "/agencies/{code}/reports",
    summary="Store a year's report, the year in the body (a new revision)",
    response_model=StoredReportOut,
    status_code=status.HTTP_200_OK,
    responses={
        201: {
            "description": "Created: the first revision of this report.",
            "model": StoredReportOut,
        },
        **problem_responses(401, 403, 404, 409, 412, 413, 422),
    },
    openapi_extra=post_report_request_body(),
)
def post_report(
    access: AgencyWriteDep,
    session: SessionDep,
    payload: JsonObjectDep,
    lang: LangDep,
    if_match: IfMatch = None,
    if_none_match: CreateOnly = None,
) -> Any:
    """Exactly `PUT …/reports/{year}` for tools that can only POST: the same checks,
    answers and `Location` (the report's URL, with its year)."""
    year = PostTarget.parse(payload)
    return write_json_report(access, session, year, payload, lang, if_match, if_none_match)


def write_json_report(
    access: AgencyAccess,
    session: Session,
    year: int,
    payload: dict[str, Any],
    lang: str,
    if_match: str | None,
    if_none_match: str | None,
) -> PlainResponse:
    """The JSON write of PUT and POST: parse, check, store, answer 201 or 200. The PUT's
    shortcut (app/reports/put_shortcut.py) answers with it too."""
    body, completed = parse_report_with_cells(payload, year=year)
    stored, created = service.put_report(
        session,
        agency=access.agency,
        year=year,
        body=body,
        writer=writer_of(access.caller),
        if_match=if_match,
        if_none_match=if_none_match,
        completed=completed,
    )
    return PlainResponse(
        content=written_report_bytes(stored, body, lang),
        status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        media_type="application/json",
        headers={
            "ETag": service.etag_for(stored.revision.revision, lang),
            "Location": f"/api/v1/agencies/{access.agency.code}/reports/{year}",
        },
    )


@router.get(
    "/agencies/{code}/reports",
    summary="An agency's reports, by year",
    response_model=ReportList,
    responses=problem_responses(401, 404),
)
def list_reports(access: AgencyReadDep, session: SessionDep) -> ReportList:
    """Each year with the revision the caller may see: the latest for the agency, the
    agencies above it and the administrator; the latest published one for everyone else."""
    full = access.may_see_unpublished
    visible = service.list_reports(session, agency=access.agency, include_unpublished=full)
    return ReportList(
        agency_code=access.agency.code,
        items=[
            ReportListItem(
                year=head.year,
                format=revision.format,
                status=revision.status,
                scope=revision.scope,
                revision=revision.revision,
                latest_revision=head.latest_revision if full else None,
                published_revision=head.published_revision,
                error_count=revision.error_count,
                warning_count=revision.warning_count,
                # Anonymous callers: when the visible revision was stored, not the last draft.
                updated_at=head.updated_at if full else revision.created_at,
            )
            for head, revision in visible
        ],
    )


@router.get(
    "/agencies/{code}/reports/{year}",
    summary="A year's report: the latest revision the caller may see",
    response_model=StoredReportOut,
    responses=READ_ERRORS,
)
def get_report(
    caller: CallerDep,
    session: SessionDep,
    year: YearPath,
    response: Response,
    lang: LangDep,
    code: AgencyCodePath,  # after the others: the OpenAPI parameters keep AgencyReadDep's order
    if_none_match: IfNoneMatch = None,
) -> Any:
    """Anonymous callers and other agencies see the latest *published* revision; the agency,
    the agencies above it and the administrator see the latest revision whatever its status."""
    # The head names the visible revision, hence the ETag: a 304 costs this one query.
    access = report_access(caller, session.connection(), code=code, year=year)
    etag = service.etag_for(access.visible_revision, lang)
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    stored = section_read.load_stored_report(
        session,
        head=access.head,
        revision=access.visible_revision,
        include_unpublished=access.may_see_unpublished,
    )
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept-Language, Authorization"
    return stored_report_json(stored, lang, show_writer=access.may_see_unpublished)


@router.get(
    "/agencies/{code}/reports/{year}/revisions",
    summary="A report's revision history",
    response_model=RevisionList,
    responses=problem_responses(401, 404, 422),
)
def list_revisions(access: AgencyReadDep, session: SessionDep, year: YearPath) -> RevisionList:
    revisions = service.list_revisions(
        session, agency=access.agency, year=year, include_unpublished=access.may_see_unpublished
    )
    return RevisionList(
        agency_code=access.agency.code,
        year=year,
        items=[
            RevisionSummary(
                revision=r.revision,
                format=r.format,
                status=r.status,
                scope=r.scope,
                written_by=r.written_by
                if access.may_see_unpublished
                else public_writer(r.written_by),
                written_at=r.created_at,
                error_count=r.error_count,
                warning_count=r.warning_count,
            )
            for r in revisions
        ],
    )


@router.get(
    "/agencies/{code}/reports/{year}/revisions/{revision}",
    summary="One revision of a report",
    response_model=StoredReportOut,
    responses=READ_ERRORS,
)
def get_revision(
    access: AgencyReadDep,
    session: SessionDep,
    year: YearPath,
    revision: Annotated[int, Path(ge=1, le=2**31 - 1, description="Revision number.")],
    response: Response,
    lang: LangDep,
    if_none_match: IfNoneMatch = None,
) -> Any:
    stored = service.get_report(
        session,
        agency=access.agency,
        year=year,
        include_unpublished=access.may_see_unpublished,
        revision=revision,
    )
    etag = service.etag_for(stored.revision.revision, lang)
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    response.headers["ETag"] = etag
    return stored_report_json(stored, lang, show_writer=access.may_see_unpublished)


@router.get(
    "/agencies/{code}/reports/{year}/sections/{section}",
    summary="One section of a report, with Chinese labels, in the format's order",
    response_model=SectionView | NarrativeView,
    responses=READ_ERRORS,
)
def get_section(
    caller: CallerDep,
    request: Request,
    year: YearPath,
    section: SectionName,
    code: AgencyCodePath,  # after the others: the OpenAPI parameters keep AgencyReadDep's order
    if_none_match: IfNoneMatch = None,
) -> Any:
    """`proactive`, `applications` and `reviews` list every row and column with its labels and
    value (null: not reported) and whether the service computed it; `narrative` gives parts
    一, 五 and 六 with the channels, contact and fees."""
    engine: Engine = request.app.state.engine
    with read_connection(engine) as connection:  # Core reads (app/reports/section_read.py)
        return section_response(
            caller, connection, code=code, year=year, section=section, if_none_match=if_none_match
        )


@router.post(
    "/validate",
    summary="Check a report against every rule without storing it",
    response_model=ValidationResult,
    responses=problem_responses(404, 413, 422),
    openapi_extra=validate_request_body(),
)
def validate(
    caller: CallerDep, session: SessionDep, payload: JsonObjectDep, lang: LangDep
) -> ValidationResult:
    """Anyone may validate. Cross-year rules use the agency's stored report of the year
    before: its published revision, or its latest one for callers who may see drafts."""
    target = ValidateTarget.parse(payload)
    body = parse_report(payload, year=target.year)
    agency = get_agency_by_code(session, target.agency_code)
    evaluation = check_report(
        session,
        agency=agency,
        year=target.year,
        body=body,
        include_unpublished=caller.may_act_on(agency),
        lang=lang,
    )
    return ValidationResult(
        valid=evaluation.valid, format=body.format, findings=evaluation.findings
    )
