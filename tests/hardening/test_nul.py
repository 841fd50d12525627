"""NUL, which PostgreSQL text cannot hold: 404 in a path or query, 422 in a body, both databases."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report


@pytest.fixture
def county(session: Session) -> Agency:
    return make_agency(session, "640181", name="灵武市人民政府")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/%00",
        "/api/v1/agencies/a%00b/reports/2020",
        "/api/v1/agencies/a%00b/reports/2020/sections/applications",
        "/api/v1/summary?year=2020&agency=%00",
        "/api/v1/filing-status?year=2020&agency=%00",
        "/api/v1/export.csv?year=2020&agency=q%7B%003",
    ],
)
def test_a_nul_in_a_path_or_query_names_no_agency(
    client: TestClient, county: Agency, url: str
) -> None:
    response = client.get(url)

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_nul_in_an_agency_name_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/agencies", json={"code": "640100", "name": "银川\x00市"}, headers=admin_headers
    )

    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/name"]
    assert client.get("/api/v1/agencies/640100").status_code == 404


def test_a_nul_in_a_key_label_is_422(
    client: TestClient, county: Agency, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/agencies/640181/keys", json={"label": "办公室\x00"}, headers=admin_headers
    )

    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/label"]


@pytest.mark.parametrize(
    ("field", "pointer"),
    [("narrative", "/narrative/overview"), ("source_url", "/source_url")],
)
def test_a_nul_in_a_report_text_is_422_and_stores_nothing(
    client: TestClient, session: Session, county: Agency, field: str, pointer: str
) -> None:
    own = bearer(issue_key(session, county))
    body = seed_report()
    if field == "narrative":
        body["narrative"]["overview"] = "总体\x00情况"
    else:
        body["source_url"] = "https://example.gov.cn/\x00"

    response = client.put("/api/v1/agencies/640181/reports/2020", json=body, headers=own)

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
    assert client.get("/api/v1/agencies/640181/reports/2020", headers=own).status_code == 404
