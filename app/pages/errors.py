"""Refusals of the pages as Chinese pages (the API answers problem+json instead)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.pages.csrf import PageRefused

TITLES = {401: "需要登录", 403: "无权操作", 404: "未找到", 413: "文件过大"}


async def page_refused(request: Request, error: Exception) -> Response:
    from app.pages.router import render  # it installs this handler

    assert isinstance(error, PageRefused)  # noqa: S101 (registered for PageRefused only)
    response: HTMLResponse = render(
        request,
        "refused.html",
        {"title": TITLES.get(error.status, "无法完成"), "message": error.message},
    )
    response.status_code = error.status
    return response
