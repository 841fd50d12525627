"""Which cells the service computed: flagged in sections, listed in the report, kept per revision.

A portal must tell a printed figure from one the service worked out: 上海市人民政府办公厅 2019
printed 总计 blank, and its 予以公开 total 272 is the service's sum, not the agency's.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report, with_cell

PATH = "/api/v1/agencies/640181201/reports/2020"
GRANTED_TOTAL = "/applications/granted/total"
REVIEW_TOTAL = "/reviews/review/total"


@pytest.fixture
def township(session: Session) -> Agency:
    county = make_agency(session, "640181", name="灵武市人民政府")
    return make_agency(session, "640181201", name="白土岗乡人民政府", parent=county)


def _computed_flags(section: dict[str, Any]) -> dict[str, bool]:
    return {
        f"/{section['key']}/{row['key']}/{column['key']}": column["computed"]
        for row in section["rows"]
        for column in row["columns"]
    }


def _omit(body: dict[str, Any], pointer: str) -> dict[str, Any]:
    section, row, column = pointer.strip("/").split("/")
    changed = with_cell(body, pointer, None)
    del changed[section][row][column]
    return changed


def test_omitted_and_blank_totals_are_flagged_computed_and_given_ones_are_not(
    client: TestClient, session: Session, township: Agency
) -> None:
    own = bearer(issue_key(session, township))
    body = with_cell(_omit(seed_report(), GRANTED_TOTAL), REVIEW_TOTAL, None)
    body["status"] = "draft"  # a blank total is a not-reported warning; drafts keep it
    assert client.put(PATH, json=body, headers=own).status_code == 201

    applications = client.get(f"{PATH}/sections/applications", headers=own).json()
    reviews = client.get(f"{PATH}/sections/reviews", headers=own).json()
    flags = _computed_flags(applications) | _computed_flags(reviews)

    assert flags[GRANTED_TOTAL] is True
    assert flags[REVIEW_TOTAL] is True
    assert flags["/applications/granted/natural_person"] is False
    assert flags["/applications/new_received/total"] is False  # given by the agency
    report = client.get(PATH, headers=own).json()
    assert report["computed_cells"] == [GRANTED_TOTAL, REVIEW_TOTAL]
    assert [pointer for pointer, computed in flags.items() if computed] == [
        GRANTED_TOTAL,
        REVIEW_TOTAL,
    ]


def test_a_report_giving_every_total_has_no_computed_cell(
    client: TestClient, session: Session, township: Agency
) -> None:
    own = bearer(issue_key(session, township))
    written = client.put(PATH, json=seed_report(), headers=own)

    assert written.json()["computed_cells"] == []
    section = client.get(f"{PATH}/sections/applications").json()
    assert not any(_computed_flags(section).values())


def test_summary_marks_its_totals_computed_and_its_sums_not(
    client: TestClient, session: Session, township: Agency
) -> None:
    own = bearer(issue_key(session, township))
    assert client.put(PATH, json=seed_report(), headers=own).status_code == 201

    summary = client.get("/api/v1/summary", params={"year": 2020, "agency": "640181"}).json()
    flags = _computed_flags(summary["sections"]["applications"])

    assert flags[GRANTED_TOTAL] is True
    assert flags["/applications/results_total/natural_person"] is True
    assert flags["/applications/granted/natural_person"] is False
