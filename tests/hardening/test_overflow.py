"""No figure one agency files can overflow a sum (issue: one key broke every public summary)."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report, with_cell

LICENSING = "/proactive/licensing/decisions"


@pytest.fixture
def county(session: Session) -> Agency:
    return make_agency(session, "640181", name="灵武市人民政府")


def test_a_count_beyond_the_bound_is_refused_at_its_cell(
    client: TestClient, session: Session, county: Agency
) -> None:
    own = bearer(issue_key(session, county))
    body = with_cell(seed_report(), LICENSING, 2**63 - 1)

    response = client.put("/api/v1/agencies/640181/reports/2020", json=body, headers=own)

    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [LICENSING]
    assert client.get("/api/v1/agencies/640181/reports/2020", headers=own).status_code == 404


def test_sums_of_figures_at_the_bound_are_exact(
    client: TestClient, session: Session, county: Agency
) -> None:
    own = bearer(issue_key(session, county))
    for code in ("640181201", "640181202", "640181203"):
        make_agency(session, code, parent=county)
        body = with_cell(seed_report(), LICENSING, 10**12)
        put = client.put(f"/api/v1/agencies/{code}/reports/2020", json=body, headers=own)
        assert put.status_code == 201, put.text

    summary = client.get("/api/v1/summary", params={"year": 2020, "agency": "640181"})

    assert summary.status_code == 200
    licensing = next(
        row for row in summary.json()["sections"]["proactive"]["rows"] if row["key"] == "licensing"
    )
    decisions = next(c for c in licensing["columns"] if c["key"] == "decisions")
    assert decisions["value"] == 3 * 10**12


def test_a_draft_whose_omitted_total_would_pass_the_bound_is_refused_like_validate(
    client: TestClient, session: Session, county: Agency
) -> None:
    own = bearer(issue_key(session, county))
    body = with_cell(seed_report(), "/reviews/review/upheld", 10**12)
    body = with_cell(body, "/reviews/review/corrected", 10**12)
    del body["reviews"]["review"]["total"]
    body["status"] = "draft"

    put = client.put("/api/v1/agencies/640181/reports/2020", json=body, headers=own)
    validated = client.post("/api/v1/validate", json=body | {"agency_code": "640181", "year": 2020})

    for response in (put, validated):
        assert response.status_code == 422, response.text
        assert [e["pointer"] for e in response.json()["errors"]] == ["/reviews/review/total"]
