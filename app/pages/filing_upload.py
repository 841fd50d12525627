"""/file/{code}/{year}/upload: a workbook or a published document read into the filing form.

Read as ``POST /api/v1/imports`` reads it (app/documents/importer.py), then shown with its
findings; nothing is stored until the form is saved (app/pages/filing.py).
"""

from __future__ import annotations

from pathlib import PurePath

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from app.agencies.models import Agency
from app.db import SessionDep
from app.documents.importer import ImportLimits, import_document
from app.documents.readers import MEDIA_TYPE_BY_SUFFIX, XLSX
from app.errors import ProblemError, UnprocessableError
from app.formats.definitions import FORMATS
from app.formats.schema import to_cells
from app.pages.csrf import CheckedFormDep
from app.pages.filing import Shown, agency_for, check_typed, load, render_form
from app.pages.filing_form import figures_as_text, other_fields_as_text
from app.types import AgencyCodePath, YearPath
from app.workbooks.reader import read_workbook

router = APIRouter(include_in_schema=False)

UPLOAD_SUFFIXES = {**MEDIA_TYPE_BY_SUFFIX, ".xlsx": XLSX}


class ForeignWorkbook(UnprocessableError):
    code = "workbook_foreign"


def refuse_foreign_workbook(data: bytes, agency: Agency, year: int) -> None:
    """A workbook marked for another agency or year is a mix-up, as the workbook PUT says."""
    read = read_workbook(data)
    if read.agency_code and read.agency_code != agency.code:
        raise ForeignWorkbook(f"这是机关 {read.agency_code} 的表格，不是{agency.name}的")
    if read.year is not None and read.year != year:
        raise ForeignWorkbook(f"这是 {read.year} 年度的表格，不是 {year} 年度的")


@router.post("/file/{code}/{year}/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    checked: CheckedFormDep,
    session: SessionDep,
    code: AgencyCodePath,
    year: YearPath,
) -> Response:
    """Read a workbook or a document into the form, as POST /api/v1/imports reads it: nothing
    is stored until the form is saved. A figure that could not be read stays blank, with the
    reader's diagnostic beside it."""
    visit = checked.visit
    agency = agency_for(session, visit.caller, code)
    loaded = load(session, agency, year)
    loaded.etag = str(checked.form.get("etag") or "")
    file = checked.form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        shown = Shown(notice="请选择要上传的文件。", notice_kind="error")
        return render_form(
            request, visit, agency, year, loaded, values=loaded.values, shown=shown, status_code=422
        )
    media_type = UPLOAD_SUFFIXES.get(
        PurePath(file.filename).suffix.lower(), file.content_type or ""
    )
    settings = request.app.state.settings
    limits = ImportLimits(settings.import_timeout_seconds, settings.import_max_pages)
    data = file.file.read()
    try:
        if media_type == XLSX:
            refuse_foreign_workbook(data, agency, year)
        imported = import_document(data, media_type, year=year, limits=limits)
    except ProblemError as error:
        shown = Shown(notice=f"无法读取该文件：{error.detail}", notice_kind="error")
        return render_form(
            request,
            visit,
            agency,
            year,
            loaded,
            values=loaded.values,
            shown=shown,
            status_code=error.status,
        )
    body = imported.body
    loaded.fmt = FORMATS[body.format]
    values = {
        **figures_as_text(loaded.fmt, to_cells(body)),
        **other_fields_as_text(body.model_dump(mode="json", exclude_none=True)),
    }
    shown = check_typed(session, agency, year, loaded.fmt, values, loaded.kept)
    shown.diagnostics = imported.diagnostics
    shown.notice = f"已读取 {file.filename}：请核对下面的数字和核对结果，确认后保存。"
    return render_form(request, visit, agency, year, loaded, values=values, shown=shown)
