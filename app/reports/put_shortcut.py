"""The JSON PUT of a report, answered before FastAPI's routing and dependency solving.

Bulk filing tools PUT report after report. Through the framework a PUT went through eleven
dependencies, every route's match and two thread-pool hops, about a third of its server CPU
(bench/put_cpu.py). This shortcut (app/http/shortcuts.py) runs what those dependencies run,
the same functions in the same order — the token (401, 429), the agency (404), the right to
write on it (403), the body (413, 422) — then the route's own write, ``write_json_report``, in
one hop. It declines, having read nothing, whatever the route would treat otherwise: no
bearer token (anonymous: the route's 401), a workbook or any other media type, a query, a
year out of range (the route's 422).
"""

from __future__ import annotations

import re

from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.agencies.dependencies import BEARER, authorize_write_on, get_caller
from app.agencies.service import get_agency_by_code
from app.db import run_read
from app.errors import ProblemError, render_problem
from app.http.json_body import JSON_MEDIA_TYPE, parse_json_object
from app.http.language import preferred_language
from app.http.media_types import media_type_of
from app.http.shortcuts import RouteName, WriteShortcut
from app.reports.router import write_json_report
from app.types import YEAR_MAX, YEAR_MIN


async def _put_json_report(scope: Scope, receive: Receive, send: Send, path: re.Match[str]) -> bool:
    code, year = path.group("code"), int(path.group("year"))
    request = Request(scope, receive)
    if scope["query_string"] or not YEAR_MIN <= year <= YEAR_MAX:
        return False
    if media_type_of(request.headers.get("content-type")) != JSON_MEDIA_TYPE:
        return False  # a workbook, or the route's 422 for a media type it does not read
    credentials = await BEARER(request)  # the route's own reading of the header
    if credentials is None:
        return False
    try:
        response = await _write(request, credentials, code, year)
    except ProblemError as problem:
        response = render_problem(request, problem)
    await response(scope, receive, send)
    return True


async def _write(
    request: Request, credentials: HTTPAuthorizationCredentials, code: str, year: int
) -> Response:
    caller = await get_caller(request, credentials)
    engine: Engine = request.app.state.engine
    headers = request.headers
    with Session(engine, expire_on_commit=False) as session:
        agency = await run_read(engine, get_agency_by_code, session, code)
        access = authorize_write_on(caller, agency)
        payload = parse_json_object(await request.body())
        return await run_in_threadpool(
            write_json_report,
            access,
            session,
            year,
            payload,
            preferred_language(headers.get("accept-language")),
            headers.get("if-match"),
            headers.get("if-none-match"),
        )


# A year other than four digits goes on to the route, which answers the 422.
PUT_REPORT_SHORTCUT = WriteShortcut(
    route=RouteName("/api/v1/agencies/{code}/reports/{year}"),
    method="PUT",
    pattern=re.compile(r"/api/v1/agencies/(?P<code>[^/]+)/reports/(?P<year>[0-9]{4})"),
    handle=_put_json_report,
)
