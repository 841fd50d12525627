"""Signing in to the pages from a TestClient, as a browser would: the form, its token, a key."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.workbook.workbook import Workbook
from starlette.testclient import TestClient

from app.formats.definitions import FORMATS
from app.formats.schema import parse_report, to_cells
from app.workbooks.template import WorkbookReport, report_workbook
from tests.reports.helpers import hongze
from tests.workbooks.helpers import APPLICATIONS, edited

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_ETAG = re.compile(r'name="etag" value="([^"]*)"')


def csrf_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def etag_of(html: str) -> str:
    found = _ETAG.search(html)
    assert found is not None, "the page has no etag field"
    return found.group(1).replace("&#34;", '"')


def sign_in(client: TestClient, key: str, *, next_path: str = "/") -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"key": key, "csrf_token": csrf_of(form.text), "next": next_path},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def report_form(body: dict[str, Any], **fields: str) -> dict[str, str]:
    """The filing form's fields for a report body (figures named by their JSON Pointers)."""
    data: dict[str, str] = {}
    for spec in FORMATS[body["format"]].cells():
        value = body.get(spec.section, {}).get(spec.row, {}).get(spec.column)
        if value is not None:
            data[spec.pointer] = str(value)
    data.update(fields)
    return data


def broken_workbook(code: str, name: str, year: int = 2024) -> bytes:
    """洪泽区's report in the service's own workbook, its 予以公开·自然人 raised from 50 to 51
    with openpyxl (a second library), so 三's balance identity of 自然人 breaks."""
    body = parse_report(hongze(year), year=year)
    report = WorkbookReport(
        FORMATS[body.format],
        year,
        code,
        name,
        to_cells(body),
        body.model_dump(mode="json", exclude_none=True),
    )

    def raise_granted(book: Workbook) -> None:
        book[APPLICATIONS]["D7"] = 51

    return edited(report_workbook(report), raise_granted)
