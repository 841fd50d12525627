"""The Chinese 404 page the pages answer with, instead of the API's problem JSON."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.pages.router import render


def not_found_page(
    request: Request, message: str, *, action: tuple[str, str] | None = None
) -> HTMLResponse:
    """``action``: (href, text) of what the caller can do instead, e.g. file the report."""
    context = {"title": "未找到", "message": message, "action": action}
    response = render(request, "not_found.html", context)
    response.status_code = 404
    return response
