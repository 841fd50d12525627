"""A report's page: the official layout with its findings listed and marked on their cells.

What a caller sees is exactly what the API gives the same caller (app.reports.service, the
functions GET …/reports/{year} and …/revisions use): the agency, those above it and the
administrator see the latest revision whatever its status; everyone else the latest
published one, and a report with none published is a 404 for them. ``?revision=N`` picks an
earlier one the caller may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.documents.render import cell_id, document_stylesheet, render_document_html
from app.documents.render.document import as_report, build_layout
from app.errors import NotFoundError
from app.formats.definitions import FORMATS, ReportFormat, plain_label
from app.formats.finding import Finding
from app.pages.labels import SEVERITY_NAMES, STATUS_NAMES
from app.pages.not_found import not_found_page
from app.pages.router import render
from app.pages.session import PageCallerDep
from app.reports import service
from app.reports.findings import localized
from app.reports.service import StoredReport
from app.types import AgencyCodePath, YearPath

router = APIRouter(include_in_schema=False)

DOCUMENT_STYLESHEET = "/styles/document.css"


@dataclass(frozen=True)
class CellLink:
    pointer: str
    label: str
    anchor: str | None  # the cell's element id, when the document prints that cell


@dataclass(frozen=True)
class ListedFinding:
    severity: str
    message: str
    cells: tuple[CellLink, ...]


def cell_label(fmt: ReportFormat, pointer: str) -> str:
    """``/applications/granted/total`` as the tables word it: 本年度办理结果·予以公开·总计."""
    parts = pointer.strip("/").split("/")
    if len(parts) != 3 or not fmt.has_cell((parts[0], parts[1], parts[2])):
        return pointer
    row = fmt.section(parts[0]).row(parts[1])
    column = plain_label(row.column(parts[2]).label).zh
    return f"{fmt.section(parts[0]).label.zh.split('、')[-1]}：{row.path_label.zh}·{column}"


def _printed_pointers(stored: StoredReport) -> set[str]:
    layout = build_layout(
        as_report(stored.body(), stored.year), agency_name=stored.agency.name, year=stored.year
    )
    return {
        cell.pointer
        for part in layout.parts
        if part.table is not None
        for row in part.table.rows
        for cell in row
        if cell.pointer is not None
    }


def _findings(stored: StoredReport) -> list[Finding]:
    return [Finding.model_validate(entry) for entry in localized(stored.revision.findings, "zh")]


def _listed(findings: list[Finding], stored: StoredReport) -> list[ListedFinding]:
    fmt = FORMATS[stored.revision.format]
    printed = _printed_pointers(stored)
    return [
        ListedFinding(
            severity=finding.severity,
            message=finding.message,
            cells=tuple(
                CellLink(
                    pointer,
                    cell_label(fmt, pointer),
                    cell_id(pointer) if pointer in printed else None,
                )
                for pointer in finding.cells
            ),
        )
        for finding in findings
    ]


@router.get("/agencies/{code}/reports/{year}", response_class=HTMLResponse)
def report_page(
    request: Request,
    code: AgencyCodePath,
    year: YearPath,
    caller: PageCallerDep,
    session: SessionDep,
    revision: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    try:
        agency = get_agency_by_code(session, code)
    except NotFoundError:
        return not_found_page(request, f"没有代码为 {code} 的机关。")
    may_act = caller.may_act_on(agency)
    try:
        stored = service.get_report(
            session, agency=agency, year=year, include_unpublished=may_act, revision=revision
        )
        revisions = service.list_revisions(
            session, agency=agency, year=year, include_unpublished=may_act
        )
    except NotFoundError:
        missing = f"第 {revision} 次修订" if revision is not None else "报告"
        filing = (f"/file/{agency.code}/{year}", "填报这一年度的报告") if may_act else None
        return not_found_page(
            request, f"{agency.name}没有可查看的 {year} 年度{missing}。", action=filing
        )
    findings = _findings(stored)
    document = render_document_html(
        stored.body(), agency_name=agency.name, year=year, standalone=False, findings=findings
    )
    number = stored.revision.revision
    chosen = f"?revision={number}" if revision is not None else ""
    base = f"/api/v1/agencies/{agency.code}/reports/{year}"
    return render(
        request,
        "report.html",
        {
            "title": f"{agency.name}{year}年度报告",
            "agency": agency,
            "year": year,
            "stored": stored,
            "revisions": revisions,
            "selected": revision,
            # The renderer's own escaped HTML: agency text in it is already text.
            "document": Markup(document),  # noqa: S704
            "findings": _listed(findings, stored),
            "severities": SEVERITY_NAMES,
            "names": STATUS_NAMES,
            "may_act": may_act,
            "stylesheet": DOCUMENT_STYLESHEET,
            "downloads": {
                "html": f"{base}/document.html{chosen}",
                "docx": f"{base}/document.docx{chosen}",
                "workbook": f"{base}/workbook.xlsx",
            },
        },
    )


@router.get(DOCUMENT_STYLESHEET)
def document_css() -> Response:
    """The official layout's stylesheet as a file: the pages' CSP allows no inline style."""
    return Response(
        document_stylesheet(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
