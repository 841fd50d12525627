"""The disclosure office's board: the filing status of every agency of a subtree.

Visibility is exactly /filing-status's (app/summaries/filing.py): anonymous callers see
`published` or `missing` and no counts; a caller who may act on the agency sees everything.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.agencies.dependencies import CallerDep
from app.agencies.service import get_agency_by_code
from app.db import SessionDep
from app.pages.router import render
from app.summaries.filing import filing_status
from app.summaries.schemas import FilingStatus
from app.summaries.scope import Scope

PAGE_ROWS = 200

router = APIRouter(include_in_schema=False)

PUBLIC_STATES = ["published", "missing"]
STATUS_NAMES = {"missing": "未填报", "draft": "草稿", "submitted": "已提交", "published": "已公开"}


@router.get("/board", response_class=HTMLResponse)
def board(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    year: int = Query(ge=2008, le=2100),
    agency: str | None = Query(default=None, max_length=64),
    status: FilingStatus | None = None,
    page: int = Query(default=1, ge=1),
) -> HTMLResponse:
    top = get_agency_by_code(session, agency) if agency else None
    result = filing_status(
        session,
        scope=Scope(agency=top),
        year=year,
        status=status,
        limit=PAGE_ROWS,
        offset=(page - 1) * PAGE_ROWS,
        private_path=caller.private_path(),
    )
    return render(
        request,
        "board.html",
        {
            "title": f"{year} 年度填报情况",
            "board": result,
            "names": STATUS_NAMES,
            "page": page,
            # Anonymous visitors are not even told that draft states exist.
            "states": PUBLIC_STATES if caller.private_path() is None else list(STATUS_NAMES),
        },
    )
