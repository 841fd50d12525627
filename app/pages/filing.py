"""/file/{code}/{year}: fill in or upload a report, see its findings on the cells, save it.

Every write goes through the PUT's write service (``app.reports.service.put_report``) with
the ETag the form was loaded with as If-Match, so two people editing one report cannot
overwrite each other; the authorization is the API's (``authorize_write_on``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from app.agencies.dependencies import Caller, authorize_write_on
from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PreconditionFailed,
    UnprocessableError,
)
from app.formats.definitions import FORMATS, ReportFormat
from app.formats.problems import ReportSchemaError
from app.formats.schema import parse_report
from app.pages.csrf import CheckedFormDep, PageRefused
from app.pages.filing_form import (
    CONTACT_FIELDS,
    FEES_FIELD,
    NARRATIVE_FIELDS,
    cell_labels,
    field_of,
    figures_as_text,
    form_tables,
    other_fields_as_text,
    read_form,
)
from app.pages.router import render
from app.pages.session import PageVisit, PageVisitDep
from app.reports import service
from app.reports.router import writer_of
from app.reports.validation import check_report
from app.types import AgencyCodePath, YearPath
from app.workbooks.prefill import known_report

router = APIRouter(include_in_schema=False)

STATUS_NAMES = {"draft": "草稿", "submitted": "已提交", "published": "已公开"}
STALE = (
    "在您打开本页之后，已有人保存了本报告的新版本（{current}）。您的修改没有保存，"
    "以免覆盖他人的修改：请记下需要保留的内容，重新打开本页后再填写。"
)


@dataclass
class Loaded:
    """The report as the form opens it: the latest revision, or the pre-filled template."""

    fmt: ReportFormat
    values: dict[str, str]
    kept: dict[str, Any] = field(default_factory=dict)  # fields the form does not show
    etag: str = ""  # "" for a report not stored yet
    revision: int | None = None
    status: str | None = None


@dataclass
class Shown:
    """What one rendering of the form shows besides the figures."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # field → Chinese message
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    computed: dict[str, str] = field(default_factory=dict)  # totals left blank, as summed
    notice: str | None = None
    notice_kind: str = "ok"
    report_link: bool = False


def agency_for(session: Session, caller: Caller, code: str) -> Agency:
    """The agency the caller may file for: 404 unknown, 403 not the caller's (as the API)."""
    try:
        agency = get_agency_by_code(session, code)
    except NotFoundError:
        raise PageRefused(404, f"没有代码为 {code} 的机关。") from None
    try:
        authorize_write_on(caller, agency)
    except ForbiddenError:
        raise PageRefused(
            403,
            f"您登录所用的密钥只能填报本机关及其下级机关的报告，不能填报{agency.name}的报告。",
        ) from None
    return agency


def load(session: Session, agency: Agency, year: int) -> Loaded:
    try:
        stored = service.get_report(session, agency=agency, year=year, include_unpublished=True)
    except NotFoundError:
        known = known_report(session, agency=agency, year=year, include_unpublished=True)
        fmt = known.report.fmt
        return Loaded(fmt, figures_as_text(fmt, known.report.values))
    fmt = FORMATS[stored.revision.format]
    body = stored.body().model_dump(mode="json", exclude_none=True)
    return Loaded(
        fmt,
        values={
            **figures_as_text(fmt, stored.cells, skip=stored.computed),
            **other_fields_as_text(body),
        },
        kept=body,
        etag=stored.etag,
        revision=stored.revision.revision,
        status=stored.revision.status,
    )


def check_typed(
    session: Session,
    agency: Agency,
    year: int,
    fmt: ReportFormat,
    typed: dict[str, Any],
    kept: dict[str, Any],
) -> Shown:
    """The findings of the figures as typed: exactly what a save would be checked against."""
    posted = read_form(fmt, typed, kept=kept)
    shown = Shown(problems=dict(posted.problems))
    try:
        body = parse_report({**posted.body, "status": "draft"}, year=year)
    except ReportSchemaError as error:
        shown.problems.update(schema_problems(error))
        return shown
    evaluation = check_report(
        session, agency=agency, year=year, body=body, include_unpublished=True
    )
    shown.findings = [finding.model_dump(mode="json") for finding in evaluation.findings]
    computed = {key: evaluation.cells[key] for key in evaluation.computed}
    shown.computed = figures_as_text(fmt, computed)
    return shown


def schema_problems(error: ReportSchemaError) -> dict[str, str]:
    problems: dict[str, str] = {}
    for problem in error.errors:
        name = field_of(problem.pointer) or "general"
        problems.setdefault(name, f"不符合格式要求（{problem.message}）")
    return problems


def field_messages(shown: Shown) -> dict[str, list[tuple[str, str]]]:
    """Every message by the form field it is about: (severity, message), errors first."""
    messages: dict[str, list[tuple[str, str]]] = {}
    for finding in shown.findings:
        for pointer in finding["cells"]:
            if (name := field_of(pointer)) is not None:
                messages.setdefault(name, []).append((finding["severity"], finding["message"]))
    for name, message in shown.problems.items():
        messages.setdefault(name, []).append(("error", message))
    for diagnostic in shown.diagnostics:
        if (name := field_of(diagnostic.get("pointer") or "")) is not None:
            messages.setdefault(name, []).append(("warning", diagnostic["message"]))
    for lines in messages.values():
        lines.sort(key=lambda line: line[0] != "error")
    return messages


def error_count(shown: Shown) -> int:
    return sum(1 for f in shown.findings if f["severity"] == "error") + len(shown.problems)


def render_form(
    request: Request,
    visit: PageVisit,
    agency: Agency,
    year: int,
    loaded: Loaded,
    *,
    values: dict[str, str],
    shown: Shown,
    status_code: int = 200,
) -> Response:
    messages = field_messages(shown)
    response = render(
        request,
        "file.html",
        {
            "title": f"填报 {agency.name} {year} 年度报告",
            "agency": agency,
            "year": year,
            "loaded": loaded,
            "status_names": STATUS_NAMES,
            "tables": form_tables(loaded.fmt.id),
            "labels": cell_labels(loaded.fmt.id),
            "values": values,
            "messages": messages,
            "shown": shown,
            "error_count": error_count(shown),
            "warning_count": sum(1 for f in shown.findings if f["severity"] == "warning"),
            "narrative_fields": NARRATIVE_FIELDS,
            "contact_fields": CONTACT_FIELDS,
            "fees_field": FEES_FIELD,
            "csrf_token": visit.session.csrf_token if visit.session else "",
            "path": f"/file/{quote(agency.code)}/{year}",
            "report_path": f"/agencies/{quote(agency.code)}/reports/{year}",
        },
    )
    response.status_code = status_code
    response.headers["Cache-Control"] = "no-store"  # a draft's figures stay out of caches
    return response


@router.get("/file/{code}/{year}", response_class=HTMLResponse)
def file_page(
    request: Request,
    visit: PageVisitDep,
    session: SessionDep,
    code: AgencyCodePath,
    year: YearPath,
    saved: int | None = None,
) -> Response:
    if visit.caller.kind == "anonymous":
        target = quote(f"/file/{code}/{year}", safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    agency = agency_for(session, visit.caller, code)
    loaded = load(session, agency, year)
    shown = check_typed(session, agency, year, loaded.fmt, loaded.values, loaded.kept)
    if saved is not None and saved == loaded.revision and loaded.status:
        shown.notice = f"已保存为第 {saved} 版，状态：{STATUS_NAMES[loaded.status]}。"
        shown.report_link = True
    return render_form(request, visit, agency, year, loaded, values=loaded.values, shown=shown)


def _typed_of(form: Any) -> dict[str, str]:
    return {name: value for name, value in form.multi_items() if isinstance(value, str)}


@router.post("/file/{code}/{year}/validate")
def validate_typed(
    checked: CheckedFormDep, session: SessionDep, code: AgencyCodePath, year: YearPath
) -> JSONResponse:
    """The findings of the form as typed, for file.js: the checks a save makes, by field."""
    agency = agency_for(session, checked.visit.caller, code)
    loaded = load(session, agency, year)
    shown = check_typed(session, agency, year, loaded.fmt, _typed_of(checked.form), loaded.kept)
    return JSONResponse(
        {
            "findings": shown.findings,
            "problems": shown.problems,
            "fields": field_messages(shown),
            "computed": shown.computed,
            "error_count": error_count(shown),
            "warning_count": sum(1 for f in shown.findings if f["severity"] == "warning"),
        },
        headers={"Cache-Control": "no-store"},
    )


@router.post("/file/{code}/{year}", response_class=HTMLResponse)
def save(
    request: Request,
    checked: CheckedFormDep,
    session: SessionDep,
    code: AgencyCodePath,
    year: YearPath,
) -> Response:
    visit = checked.visit
    agency = agency_for(session, visit.caller, code)
    loaded = load(session, agency, year)
    typed = _typed_of(checked.form)
    status = typed.get("status", "draft")
    if status not in STATUS_NAMES:
        status = "draft"
    etag = typed.get("etag", "")
    loaded.etag = etag  # the form keeps the revision it was opened from, whatever happens

    def again(status_code: int, notice: str) -> Response:
        # Every refusal shows the figures as typed with their findings, as the live check does.
        shown = check_typed(session, agency, year, loaded.fmt, typed, loaded.kept)
        shown.notice, shown.notice_kind = notice, "error"
        return render_form(
            request,
            visit,
            agency,
            year,
            loaded,
            values=typed,
            shown=shown,
            status_code=status_code,
        )

    posted = read_form(loaded.fmt, typed, kept=loaded.kept)
    if posted.problems:
        return again(422, "有填写不是数字的单元格，未保存。")
    try:
        body = parse_report({**posted.body, "status": status}, year=year)
        stored, _ = service.put_report(
            session,
            agency=agency,
            year=year,
            body=body,
            writer=writer_of(visit.caller),
            if_match=etag or None,
            if_none_match=None if etag else "*",
        )
    except ReportSchemaError:
        return again(422, "有不符合格式要求的内容，未保存。")
    except PreconditionFailed:
        current = f"第 {loaded.revision} 版" if loaded.revision else "已有报告"
        return again(412, STALE.format(current=current))
    except ConflictError:
        return again(409, "有人同时保存了本报告，您的修改没有保存，请重新打开本页。")
    except UnprocessableError:
        action = STATUS_NAMES[status].removeprefix("已")
        return again(
            422, f"报告有违反勾稽关系的错误，不能{action}；请改正标出的单元格，或先保存为草稿。"
        )
    return RedirectResponse(
        f"/file/{quote(agency.code)}/{year}?saved={stored.revision.revision}", status_code=303
    )
