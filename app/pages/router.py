"""Pages for people: server-rendered Chinese pages, outside the OpenAPI document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app.pages.headers import PAGE_HEADERS

_HERE = Path(__file__).parent
# Jinja2Templates autoescapes .html templates: agency names and narrative are never markup.
templates = Jinja2Templates(directory=_HERE / "templates")
static_files = StaticFiles(directory=_HERE / "static")

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    """A page with the security headers every page carries."""
    return templates.TemplateResponse(request, template, context, headers=PAGE_HEADERS)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", {"title": "首页"})


def install_pages(app: FastAPI) -> None:
    """The pages and their assets, served by the app itself (no other host, per the CSP)."""
    from app.pages.agency import router as agency_router  # they render with this module
    from app.pages.board import router as board_router
    from app.pages.report import router as report_router

    app.include_router(router)
    app.include_router(board_router)
    app.include_router(agency_router)
    app.include_router(report_router)
    app.mount("/static", static_files, name="static")
