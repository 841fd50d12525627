"""Anonymous answers derive from published data only: a draft write changes nothing they see."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report, with_cell

PATH = "/api/v1/agencies/640181/reports/2020"


@pytest.fixture
def own(session: Session) -> dict[str, str]:
    county: Agency = make_agency(session, "640181", name="灵武市人民政府")
    return bearer(issue_key(session, county))


def _draft(body: dict[str, object]) -> dict[str, object]:
    return with_cell(body, "/proactive/penalties/decisions", 9) | {"status": "draft"}


def test_a_draft_leaves_the_anonymous_listing_and_summary_etag_as_they_were(
    client: TestClient, own: dict[str, str]
) -> None:
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201
    listing = client.get("/api/v1/agencies/640181/reports").json()
    summary = client.get("/api/v1/summary", params={"year": 2020, "agency": "640181"})

    assert client.put(PATH, json=_draft(seed_report()), headers=own).status_code == 200

    assert client.get("/api/v1/agencies/640181/reports").json() == listing
    again = client.get(
        "/api/v1/summary",
        params={"year": 2020, "agency": "640181"},
        headers={"If-None-Match": summary.headers["ETag"]},
    )
    assert again.status_code == 304


def test_a_draft_only_report_and_no_report_read_alike_to_anonymous_callers(
    client: TestClient, own: dict[str, str]
) -> None:
    never = client.get("/api/v1/agencies/640181/reports/2019").json()["detail"]
    assert client.put(PATH, json=_draft(seed_report()), headers=own).status_code == 201
    drafted = client.get(PATH).json()["detail"]

    assert never == "agency 640181 has no published report for 2019"
    assert drafted == "agency 640181 has no published report for 2020"


def test_the_writers_key_id_is_shown_only_to_those_who_may_see_drafts(
    client: TestClient, own: dict[str, str]
) -> None:
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201

    assert client.get(PATH).json()["written_by"] == "key"
    assert client.get(PATH, headers=own).json()["written_by"].startswith("key:")
