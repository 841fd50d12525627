"""The section GET's answer, shared by its route (app/reports/router.py) and by the shortcut
that answers anonymous callers before FastAPI's routing (app/http/shortcuts.py)."""

from __future__ import annotations

import re
from typing import get_args

from fastapi.responses import Response as PlainResponse
from sqlalchemy import Connection

from app.agencies.dependencies import ANONYMOUS, Caller, ReportAccess, report_access
from app.formats.definitions import FORMATS
from app.formats.sections import section_json
from app.http.cache import ImmutableResponseCache
from app.http.conditional import not_modified_response
from app.http.shortcuts import ReadRequest, RouteName, Shortcut
from app.reports import section_read, service
from app.reports.schemas import SectionName
from app.reports.views import narrative_section
from app.types import YEAR_MAX, YEAR_MIN

# A section weighs 45–65 KB, 3–5 KB deflated: 16,384 of them are about 64 MB of JSON in
# ~16 MB (a portal's distinct reports of the year; RSS stays within its budget).
SECTION_CACHE = ImmutableResponseCache(max_entries=16_384, max_bytes=16 * 2**20, compressed=True)


def section_response(
    caller: Caller,
    connection: Connection,
    *,
    code: str,
    year: int,
    section: str,
    if_none_match: str | None,
) -> PlainResponse:
    """The section GET's answer: a 304, or the section's JSON. The route and its shortcut
    (``SECTION_SHORTCUT``) both answer with it."""
    access = report_access(caller, connection, code=code, year=year)
    etag = service.etag_for(access.visible_revision)
    if (unchanged := not_modified_response(if_none_match, etag)) is not None:
        return unchanged
    # A revision never changes, so its rendered sections can be kept (app/http/cache.py).
    body = SECTION_CACHE.get_or_make(
        (access.head.report_id, access.visible_revision, section),
        lambda: _render_section(connection, access, section),
    )
    return PlainResponse(content=body, media_type="application/json", headers={"ETag": etag})


def _anonymous_section(connection: Connection, request: ReadRequest) -> PlainResponse | None:
    code, year, section = request.path.group("code", "year", "section")
    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        return None
    return section_response(
        ANONYMOUS,
        connection,
        code=code,
        year=int(year),
        section=section,
        if_none_match=request.if_none_match,
    )


# An anonymous section GET, before FastAPI's routing (app/http/shortcuts.py); a year or
# section the route's parameters refuse goes on to the route, which answers the 422.
SECTION_SHORTCUT = Shortcut(
    route=RouteName("/api/v1/agencies/{code}/reports/{year}/sections/{section}"),
    pattern=re.compile(
        r"/api/v1/agencies/(?P<code>[^/]+)/reports/(?P<year>[0-9]{4})"
        rf"/sections/(?P<section>{'|'.join(get_args(SectionName))})"
    ),
    query_names=frozenset(),
    answer=_anonymous_section,
)


def _render_section(connection: Connection, access: ReportAccess, section: str) -> bytes:
    head, revision = access.head, access.visible_revision
    include = access.may_see_unpublished
    if section == "narrative":
        stored = section_read.load_revision_row(
            connection, head=head, revision=revision, include_unpublished=include
        )
        return narrative_section(stored).model_dump_json().encode()
    table = section_read.load_section_cells(
        connection, head=head, revision=revision, section=section, include_unpublished=include
    )
    return section_json(FORMATS[table.format], section, table.cells, computed=table.computed)
