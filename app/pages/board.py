"""The disclosure office's board: every agency of a subtree, its filing status and how late.

Visibility is exactly /filing-status's (app/summaries/board.py): anonymous callers see
`published` or `missing` and no counts; a caller who may act on the agency sees everything.
The page, its CSV and its XLSX take the same query: filters, sort and all rows for downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.errors import NotFoundError
from app.pages.board_files import board_csv, board_xlsx
from app.pages.labels import KIND_NAMES, STATUS_NAMES
from app.pages.not_found import not_found_page
from app.pages.router import render
from app.pages.session import PageCallerDep
from app.summaries.board import BoardQuery, SortKey, board_counts, board_rows
from app.summaries.deadlines import china_today, deadline
from app.summaries.schemas import FilingStatus
from app.summaries.scope import Scope
from app.types import YEAR_MAX, YEAR_MIN
from app.workbooks.template import XLSX_MEDIA_TYPE

PAGE_SIZES = (50, 100, 200)
DEFAULT_PAGE_SIZE = 100

router = APIRouter(include_in_schema=False)

PUBLIC_STATES: list[FilingStatus] = ["published", "missing"]
COLUMNS: tuple[tuple[str, str, SortKey | None], ...] = (
    # (key, header, sort key or None when the column does not sort)
    ("code", "机关代码", "code"),
    ("name", "机关名称", "name"),
    ("kind", "类型", None),
    ("status", "状态", "status"),
    ("errors", "错误", "errors"),
    ("warnings", "警告", None),
    ("published_on", "公开日期", None),
    ("deadline", "截止日期", None),
    ("days_late", "逾期天数", "days_late"),
)


def board_today() -> date:
    """Today in China; a dependency so tests can fix the day."""
    return china_today()


TodayDep = Annotated[date, Depends(board_today)]


@dataclass(frozen=True)
class BoardParams:
    """The board's query string, parsed; the page, its links and its downloads share it."""

    year: int
    agency: str | None
    status: FilingStatus | None
    late: bool
    q: str | None
    sort: SortKey
    order: Literal["asc", "desc"]
    page: int
    size: int

    def link(self, path: str = "/board", **changes: Any) -> str:
        """This query with ``changes``, leaving defaults out of the URL."""
        values = {**self.__dict__, **changes}
        defaults = {"late": False, "sort": "code", "order": "asc", "page": 1}
        defaults["size"] = DEFAULT_PAGE_SIZE
        query = {
            name: ("1" if value is True else value)
            for name, value in values.items()
            if value not in (None, "") and defaults.get(name) != value
        }
        return f"{path}?{urlencode(query)}"


def board_params(
    today: TodayDep,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    status: FilingStatus | None = None,
    late: bool = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: SortKey = "code",
    order: Literal["asc", "desc"] = "asc",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=10, le=500)] = DEFAULT_PAGE_SIZE,
) -> BoardParams:
    search = q.strip() if q else None
    # Without a year: the reports due this year, those of last year.
    year = year if year is not None else today.year - 1
    return BoardParams(year, agency or None, status, late, search or None, sort, order, page, size)


BoardParamsDep = Annotated[BoardParams, Depends(board_params)]


def _query(
    params: BoardParams, top: Agency | None, private_path: str | None, today: date
) -> BoardQuery:
    return BoardQuery(
        scope=Scope(agency=top),
        year=params.year,
        today=today,
        private_path=private_path,
        status=params.status,
        late_only=params.late,
        search=params.q,
        sort=params.sort,
        descending=params.order == "desc",
    )


def _top(session: SessionDep, code: str | None) -> Agency | None:
    return get_agency_by_code(session, code) if code else None


def _headers(params: BoardParams) -> list[dict[str, Any]]:
    headers = []
    for key, label, sort in COLUMNS:
        current = sort is not None and params.sort == sort
        flipped = "desc" if current and params.order == "asc" else "asc"
        headers.append(
            {
                "key": key,
                "label": label,
                "href": params.link(sort=sort, order=flipped, page=1) if sort else None,
                "aria_sort": ("ascending" if params.order == "asc" else "descending")
                if current
                else None,
            }
        )
    return headers


@router.get("/board", response_class=HTMLResponse)
def board(
    request: Request,
    caller: PageCallerDep,
    session: SessionDep,
    params: BoardParamsDep,
    today: TodayDep,
) -> HTMLResponse:
    try:
        top = _top(session, params.agency)
    except NotFoundError:
        return not_found_page(request, f"没有代码为 {params.agency} 的机关。")
    private_path = caller.private_path()
    query = _query(params, top, private_path, today)
    connection = session.connection()
    counts = board_counts(connection, query)
    rows = board_rows(connection, query, limit=params.size, offset=(params.page - 1) * params.size)
    pages = max(1, -(-counts.matching // params.size))
    # Anonymous visitors are not even told that draft states exist.
    states: list[FilingStatus] = (
        PUBLIC_STATES if private_path is None else list(STATUS_NAMES)  # type: ignore[arg-type]
    )
    return render(
        request,
        "board.html",
        {
            "title": f"{params.year} 年度填报情况",
            "params": params,
            "top": top,
            "counts": counts,
            "rows": rows,
            "names": STATUS_NAMES,
            "kinds": KIND_NAMES,
            "states": states,
            "shows_counts": private_path is not None,
            "headers": _headers(params),
            "pages": pages,
            "page_sizes": PAGE_SIZES,
            "department_deadline": deadline("department", params.year),
            "government_deadline": deadline("county", params.year),
            "csv_href": params.link("/board.csv", page=None, size=None),
            "xlsx_href": params.link("/board.xlsx", page=None, size=None),
        },
    )


def _file_name(params: BoardParams, extension: str) -> str:
    return f"board-{params.year}-{params.agency or 'all'}.{extension}"


@router.get("/board.csv")
def board_csv_download(
    request: Request,
    caller: PageCallerDep,
    session: SessionDep,
    params: BoardParamsDep,
    today: TodayDep,
) -> StreamingResponse:
    query = _query(params, _top(session, params.agency), caller.private_path(), today)
    return StreamingResponse(
        board_csv(request.app.state.engine, query),
        media_type="text/csv; charset=utf-8",
        headers=_download_headers(params, "csv"),
    )


@router.get("/board.xlsx")
def board_xlsx_download(
    request: Request,
    caller: PageCallerDep,
    session: SessionDep,
    params: BoardParamsDep,
    today: TodayDep,
) -> Response:
    query = _query(params, _top(session, params.agency), caller.private_path(), today)
    return Response(
        board_xlsx(request.app.state.engine, query),
        media_type=XLSX_MEDIA_TYPE,
        headers=_download_headers(params, "xlsx"),
    )


def _download_headers(params: BoardParams, extension: str) -> dict[str, str]:
    # The rows depend on who asks (drafts, counts): never kept by a shared cache.
    return {
        "Content-Disposition": f'attachment; filename="{_file_name(params, extension)}"',
        "Cache-Control": "private, no-store",
    }
