"""Pages for people: server-rendered Chinese pages, outside the OpenAPI document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.pages.headers import PAGE_HEADERS
from app.pages.session import PageVisitDep

_HERE = Path(__file__).parent
# Jinja2Templates autoescapes .html templates: agency names and narrative are never markup.


def _signed_in(request: Request) -> dict[str, Any]:
    # Set by the page_visit dependency (app/pages/session.py): the nav's sign-in/sign-out item.
    return {"visit": getattr(request.state, "page_visit", None)}


templates = Jinja2Templates(directory=_HERE / "templates", context_processors=[_signed_in])
static_files = StaticFiles(directory=_HERE / "static")

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    """A page with the security headers every page carries."""
    response = templates.TemplateResponse(request, template, context, headers=PAGE_HEADERS)
    visit = getattr(request.state, "page_visit", None)
    if visit is not None and visit.caller.kind != "anonymous":
        # It names who is signed in and holds the session's CSRF token: never in a cache.
        response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, _visit: PageVisitDep) -> HTMLResponse:
    return render(request, "index.html", {"title": "首页"})


def install_pages(app: FastAPI) -> None:
    """The pages and their assets, served by the app itself (no other host, per the CSP)."""
    from app.pages.agency import router as agency_router  # they render with this module
    from app.pages.board import router as board_router
    from app.pages.csrf import PageRefused
    from app.pages.errors import page_refused
    from app.pages.filing import router as filing_router
    from app.pages.filing_upload import router as upload_router
    from app.pages.login import router as login_router
    from app.pages.report import router as report_router

    app.include_router(router)
    app.include_router(board_router)
    app.include_router(agency_router)
    app.include_router(report_router)
    app.include_router(login_router)
    app.include_router(filing_router)
    app.include_router(upload_router)
    app.add_exception_handler(PageRefused, page_refused)
    app.mount("/static", static_files, name="static")
