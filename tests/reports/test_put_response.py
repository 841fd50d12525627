"""The PUT's response body is rendered without the response model (app/reports/views.py,
``written_report_bytes``): it must still be, byte for byte, what the model gives — the GET of
the same revision, which goes through the response model, and the model's own dump of it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlmodel import Session
from starlette.testclient import TestClient

from app.reports.schemas import StoredReportOut
from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, make_agency
from tests.reports.helpers import every_cell_distinct, hongze, seed_report, with_cell

ADMIN = bearer(ADMIN_TOKEN)
STORED = TypeAdapter(StoredReportOut)


def _without(body: dict[str, Any], pointer: str) -> dict[str, Any]:
    section, row, column = pointer.strip("/").split("/")
    changed = with_cell(body, pointer, None)
    del changed[section][row][column]
    return changed


BODIES = {
    # format 2021, published and balanced
    "hongze 2024": ("320829", 2024, hongze(2024)),
    # format 2019, a total left out (computed) and one stated blank
    "baitugang, totals computed": (
        "640181201",
        2020,
        with_cell(
            _without(seed_report(), "/applications/granted/total"), "/reviews/review/total", None
        ),
    ),
    # a draft breaking rules: error and warning findings, amounts with six decimals
    "every cell distinct 2019": ("640181201", 2020, every_cell_distinct("2019")),
    "every cell distinct 2021": ("320829", 2024, every_cell_distinct("2021")),
}


@pytest.fixture
def agencies(session: Session) -> None:
    make_agency(session, "640181201", name="白土岗乡人民政府")
    make_agency(session, "320829", name="淮安市洪泽区人民政府")


@pytest.mark.usefixtures("agencies")
@pytest.mark.parametrize("name", list(BODIES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_put_answer_is_the_response_models_answer(
    client: TestClient, name: str, lang: str
) -> None:
    code, year, body = BODIES[name]
    url = f"/api/v1/agencies/{code}/reports/{year}"
    headers = ADMIN | {"Accept-Language": lang}
    written = client.put(url, json=body, headers=headers)
    assert written.status_code == 201, written.text
    assert written.headers["content-type"] == "application/json"
    assert written.headers["location"] == url
    read = client.get(url, headers=headers)
    assert written.headers["etag"] == read.headers["etag"]
    assert written.content == read.content
    assert written.content == STORED.dump_json(STORED.validate_json(written.content))
    again = client.put(url, json=body, headers=headers)
    assert (again.status_code, again.json()["revision"]) == (200, 2)
