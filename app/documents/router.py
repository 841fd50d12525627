"""``POST /api/v1/imports``: read a published report back into a report body; nothing stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from app.agencies.dependencies import AuthenticatedDep
from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.documents.importer import ImportLimits, import_document
from app.errors import UnprocessableError, problem_responses
from app.formats.rules import evaluate
from app.http.language import LangDep
from app.http.media_types import media_type_of
from app.reports import service
from app.reports.rule_context import rule_context

router = APIRouter(prefix="/api/v1", tags=["imports"])

UPLOAD_PATH = "/api/v1/imports"


@router.post(
    "/imports",
    summary="Read a published report (web page, PDF, Word, text) into a report body",
    responses={
        **problem_responses(401, 404, 413, 422),
        415: {"description": "A kind of document the service cannot read (yet)."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_report(
    request: Request,
    caller: AuthenticatedDep,
    session: SessionDep,
    lang: LangDep,
    year: Annotated[
        int | None, Query(ge=2008, le=2100, description="Overrides the year found.")
    ] = None,
    format: Annotated[str | None, Query(description="Overrides the format detected.")] = None,
    agency_code: Annotated[
        str | None, Query(description="Checks the previous-year rules against this agency.")
    ] = None,
) -> dict[str, Any]:
    """Any valid key. The findings are those `/validate` gives for the body read."""
    data, media_type = await _document_of(request)
    settings = request.app.state.settings
    limits = ImportLimits(
        timeout_seconds=settings.import_timeout_seconds, max_pages=settings.import_max_pages
    )
    imported = await run_in_threadpool(
        import_document, data, media_type, year=year, format_id=format, limits=limits
    )
    report_year = imported.interpretation.year
    previous, context = None, None
    if agency_code is not None:
        agency = get_agency_by_code(session, agency_code)
        previous = service.previous_year_cells(
            session,
            agency=agency,
            year=report_year,
            include_unpublished=caller.may_act_on(agency),
        )
        context = rule_context(session, agency=agency, year=report_year, body=imported.body)
    # The same rules, with the same inputs, as /validate.
    evaluation = evaluate(
        imported.body,
        year=report_year,
        previous=previous,
        lang=lang,
        agency_kind=context.agency_kind if context else None,
        identical=context.identical if context else (),
    )
    return {
        "report": imported.body.model_dump(mode="json", exclude_unset=True),
        "format": imported.body.format,
        "year": report_year,
        "agency_name": imported.interpretation.agency_name,
        "diagnostics": imported.diagnostics,
        "findings": [finding.model_dump(mode="json") for finding in evaluation.findings],
        "valid": evaluation.valid,
    }


async def _document_of(request: Request) -> tuple[bytes, str]:
    media_type = media_type_of(request.headers.get("content-type"))
    if media_type != "multipart/form-data":
        return await request.body(), media_type
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise UnprocessableError("the multipart body has no part named `file`")
        data = await upload.read()
        part_type = media_type_of(upload.content_type)
        if part_type in ("", "application/octet-stream") and upload.filename:
            part_type = _by_extension(upload.filename)
    return data, part_type


_EXTENSIONS = {
    "pdf": "application/pdf",
    "html": "text/html",
    "htm": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "md": "text/plain",
}


def _by_extension(filename: str) -> str:
    return _EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower(), "")
