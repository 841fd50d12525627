"""A 304 costs one indexed query of the data's version, and nothing is built or rendered.

Every statement the engine sends is counted (``before_cursor_execute``). SQLite's BEGIN is
sent as a statement by ``app.db`` (PostgreSQL's is implicit in the driver): it is not a query,
so it is left out of the count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, make_agency
from tests.reports.helpers import hongze, with_cell

REPORT = "/api/v1/agencies/320829/reports/2024"
SECTION = f"{REPORT}/sections/applications"
SUMMARY = "/api/v1/summary?year=2024&agency=320800"
SUMMARY_ALL = "/api/v1/summary?year=2024"
SUMMARY_AGENCIES = "/api/v1/summary/agencies?year=2024&agency=320800&limit=5"
ADMIN = bearer(ADMIN_TOKEN)


@pytest.fixture
def district(session: Session, client: TestClient) -> Agency:
    city = make_agency(session, "320800", name="淮安市人民政府")
    district = make_agency(session, "320829", name="淮安市洪泽区人民政府", parent=city)
    assert client.put(REPORT, json=hongze(2024), headers=ADMIN).status_code == 201
    return district


@contextmanager
def counted_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.strip().upper().startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _etag(client: TestClient, url: str, headers: dict[str, str]) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


@pytest.mark.parametrize("url", [REPORT, SECTION, SUMMARY, SUMMARY_ALL, SUMMARY_AGENCIES])
@pytest.mark.parametrize("caller", ["anonymous", "admin"])
@pytest.mark.parametrize("held", ["exact", "weak", "star", "listed"])
def test_a_304_costs_one_query(
    client: TestClient, engine: Engine, district: Agency, url: str, caller: str, held: str
) -> None:
    auth = ADMIN if caller == "admin" else {}
    etag = _etag(client, url, auth)
    if_none_match = {
        "exact": etag,
        "weak": f"W/{etag}",
        "star": "*",
        "listed": f'"other", W/{etag}',
    }[held]
    with counted_queries(engine) as statements:
        response = client.get(url, headers={**auth, "If-None-Match": if_none_match})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    assert len(statements) == 1, statements
    # The summaries' query reads report heads and the tree version, never a cell.
    assert "report_cell" not in statements[0]


@pytest.mark.parametrize("url", [SUMMARY, SUMMARY_ALL, SUMMARY_AGENCIES, SECTION])
def test_a_warm_body_costs_the_same_one_query(
    client: TestClient, engine: Engine, district: Agency, url: str
) -> None:
    first = client.get(url)
    with counted_queries(engine) as statements:
        again = client.get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert len(statements) == 1, statements


def test_a_stale_etag_gets_the_new_body_after_a_write(client: TestClient, district: Agency) -> None:
    held = {url: _etag(client, url, {}) for url in (REPORT, SECTION, SUMMARY, SUMMARY_AGENCIES)}
    changed = with_cell(hongze(2024), "/proactive/coercion/decisions", 3)
    stored = client.put(REPORT, json=changed, headers=ADMIN)
    assert stored.status_code == 200, stored.text
    for url, etag in held.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != etag, url


def test_an_unknown_agency_is_still_a_404_for_a_conditional_summary(
    client: TestClient, district: Agency
) -> None:
    response = client.get("/api/v1/summary?year=2024&agency=999999", headers={"If-None-Match": "*"})
    assert response.status_code == 404
    assert response.json()["detail"] == "unknown agency 999999"
