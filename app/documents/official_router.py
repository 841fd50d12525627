"""The report as the document an agency publishes: ``…/document.html`` and ``…/document.docx``.

Visibility is the report GET's: anonymous callers get the latest published revision, the
agency, the agencies above it and the administrator the latest revision whatever its status;
``?revision=N`` names an earlier one (404 when the caller may not see it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.agencies.dependencies import AgencyReadDep
from app.db import SessionDep
from app.documents.downloads import (
    DOCX_MEDIA_TYPE,
    HTML_MEDIA_TYPE,
    document_response,
    openapi_content,
)
from app.documents.render import render_document_docx, render_document_html
from app.errors import problem_responses
from app.http.conditional import IfNoneMatch, not_modified_response
from app.reports import service
from app.reports.service import StoredReport
from app.types import YearPath

router = APIRouter(prefix="/api/v1", tags=["documents"])

RevisionQuery = Annotated[
    int | None,
    Query(ge=1, le=2**31 - 1, description="An earlier revision; default the latest visible."),
]
_ERRORS = problem_responses(304, 401, 404, 422)
# A renderer of a stored body: the HTML page (str) or the Word file (bytes).
Renderer = Callable[..., str | bytes]


def _visible(
    access: AgencyReadDep, session: SessionDep, year: int, revision: int | None
) -> StoredReport:
    return service.get_report(
        session,
        agency=access.agency,
        year=year,
        include_unpublished=access.may_see_unpublished,
        revision=revision,
    )


def _names(stored: StoredReport, extension: str) -> tuple[str, str]:
    title = f"{stored.agency.name}{stored.year}年政府信息公开工作年度报告"
    return f"{title}.{extension}", f"{stored.agency.code}-{stored.year}.{extension}"


def _etag(stored: StoredReport, kind: str) -> str:
    # The revision fixes the figures and the agency's name is printed in the title, so a
    # rename must change the tag too; each representation has its own.
    name = hashlib.blake2s(stored.agency.name.encode(), digest_size=4).hexdigest()
    return f'"r{stored.revision.revision}-{name}-document-{kind}"'


def _document(
    stored: StoredReport, if_none_match: str | None, kind: str, render: Renderer
) -> Response:
    """The rendered representation, or its 304 before anything is rendered."""
    etag = _etag(stored, kind)
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    content = render(stored.body(), agency_name=stored.agency.name, year=stored.year)
    filename, fallback = _names(stored, kind)
    return document_response(
        content,
        media_type=HTML_MEDIA_TYPE if kind == "html" else DOCX_MEDIA_TYPE,
        filename=filename,
        fallback=fallback,
        etag=etag,
        inline=kind == "html",
    )


@router.get(
    "/agencies/{code}/reports/{year}/document.html",
    summary="The report as the official document: a print-ready web page (A4)",
    response_class=Response,
    responses={**openapi_content("text/html", "The document as one HTML page."), **_ERRORS},
)
def get_document_html(
    access: AgencyReadDep,
    session: SessionDep,
    year: YearPath,
    revision: RevisionQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """The six parts in order with the national tables (merged headers, the 勾稽关系 note),
    the preamble and contact; the stylesheet is inline and nothing is fetched from elsewhere."""
    stored = _visible(access, session, year, revision)
    return _document(stored, if_none_match, "html", render_document_html)


@router.get(
    "/agencies/{code}/reports/{year}/document.docx",
    summary="The report as the official document: a Word file",
    response_class=Response,
    responses={**openapi_content(DOCX_MEDIA_TYPE, "The document as a .docx file."), **_ERRORS},
)
def get_document_docx(
    access: AgencyReadDep,
    session: SessionDep,
    year: YearPath,
    revision: RevisionQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """Real Word tables (merged header cells, header rows repeated on every page), 仿宋 and
    黑体 with fallbacks, A4 margins; opens in Word and WPS."""
    stored = _visible(access, session, year, revision)
    return _document(stored, if_none_match, "docx", render_document_docx)
