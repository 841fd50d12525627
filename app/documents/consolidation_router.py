"""``GET …/consolidation/{year}`` and its Word document: a government's consolidated draft.

Anyone may ask, as anyone may read ``/summary``: the draft is made of published reports
only, so it shows nothing a caller could not already sum. Storing it is a PUT, which needs
the government's key (or one above it).
"""

from __future__ import annotations

from typing import Any

from fastapi import Response

from app.agencies.dependencies import AgencyDep, public_read_router
from app.db import SessionDep
from app.documents.consolidation import consolidate
from app.documents.downloads import DOCX_MEDIA_TYPE, document_response, openapi_content
from app.documents.render import render_document_docx
from app.errors import problem_responses
from app.formats.schema import ReportBody
from app.http.conditional import IfNoneMatch, not_modified_response
from app.summaries.etags import data_etag
from app.summaries.scope import Scope
from app.types import YearPath

router = public_read_router(tags=["documents"])

_ERRORS = problem_responses(304, 404, 422)


def _etag(session: SessionDep, agency: AgencyDep, year: int, kind: str) -> str:
    # Changes with any publication of the year or any change of the tree, as /summary's.
    return data_etag(
        session,
        scope=Scope(agency),
        first_year=year,
        last_year=year,
        params=("consolidation", kind, agency.code, year),
    )


@router.get(
    "/agencies/{code}/consolidation/{year}",
    summary="A government's consolidated report (本级政府汇总), drafted from its subtree",
    response_model=ReportBody,
    # Rows the draft leaves out (（六）'s sub-rows when only the subtotal adds up) stay out.
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def get_consolidation(
    session: SessionDep,
    agency: AgencyDep,
    year: YearPath,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """The published reports of the agency and every agency below it for `year`, summed
    cell by cell as `/summary` sums them (a report inside a published consolidated report
    is counted once, through it; amounts exactly), as a report body with `scope`
    `consolidated` and `status` `draft`, totals computed, narrative left empty for the
    office: `PUT /api/v1/agencies/{code}/reports/{year}` takes it as it is. 404 when
    nothing in the subtree is published for the year."""
    etag = _etag(session, agency, year, "json")
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    drafted = consolidate(session, agency=agency, year=year)
    response.headers["ETag"] = etag
    response.headers["X-Reports-Summed"] = str(drafted.reports_summed)
    response.headers["X-Reports-Covered"] = str(drafted.reports_covered)
    return drafted.report.model_dump(mode="json", exclude_unset=True)


@router.get(
    "/agencies/{code}/consolidation/{year}/document.docx",
    summary="The consolidated draft as a Word document",
    response_class=Response,
    responses={**openapi_content(DOCX_MEDIA_TYPE, "The draft as a .docx file."), **_ERRORS},
)
def get_consolidation_docx(
    session: SessionDep,
    agency: AgencyDep,
    year: YearPath,
    if_none_match: IfNoneMatch = None,
) -> Any:
    etag = _etag(session, agency, year, "docx")
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    drafted = consolidate(session, agency=agency, year=year)
    data = render_document_docx(drafted.report, agency_name=agency.name, year=year)
    return document_response(
        data,
        media_type=DOCX_MEDIA_TYPE,
        filename=f"{agency.name}{year}年政府信息公开工作年度报告（汇总稿）.docx",
        fallback=f"{agency.code}-{year}-consolidated.docx",
        etag=etag,
        inline=False,
    )
