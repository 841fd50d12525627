"""POST /api/v1/agencies/{code}/reports with the year in the body: the PUT's write exactly."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report, with_cell

POST = "/api/v1/agencies/640181/reports"
PUT = "/api/v1/agencies/640181/reports/2020"


@pytest.fixture
def own(session: Session) -> dict[str, str]:
    return bearer(issue_key(session, make_agency(session, "640181", name="灵武市人民政府")))


def with_year(body: dict[str, Any], year: Any = 2020) -> dict[str, Any]:
    return {**body, "year": year}


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "written_at"}


def test_a_post_creates_then_replaces_like_the_put(client: TestClient, own: dict[str, str]) -> None:
    created = client.post(POST, json=with_year(seed_report()), headers=own)
    replaced = client.post(POST, json=with_year(seed_report()), headers=own | {"If-Match": '"r1"'})
    put = client.put(PUT, json=seed_report(), headers=own | {"If-Match": '"r2"'})

    assert (created.status_code, replaced.status_code, put.status_code) == (201, 200, 200)
    assert created.headers["Location"] == PUT
    assert (created.headers["ETag"], replaced.headers["ETag"]) == ('"r1"', '"r2"')
    assert comparable(replaced.json()) | {"revision": 3} == comparable(put.json())
    assert client.get(PUT).json()["revision"] == 3


def test_a_stale_if_match_is_412_for_the_post_too(client: TestClient, own: dict[str, str]) -> None:
    assert client.post(POST, json=with_year(seed_report()), headers=own).status_code == 201

    stale = client.post(POST, json=with_year(seed_report()), headers=own | {"If-Match": '"r9"'})

    assert stale.status_code == 412


def test_a_published_report_with_an_error_is_refused_with_its_findings(
    client: TestClient, own: dict[str, str]
) -> None:
    broken = with_cell(seed_report(), "/applications/new_received/natural_person", 1)

    refused = client.post(POST, json=with_year(broken), headers=own)

    assert refused.status_code == 422
    assert "applications.balance" in {f["rule"] for f in refused.json()["findings"]}
    assert client.get(PUT, headers=own).status_code == 404


@pytest.mark.parametrize("year", [None, "2020", 1999, True])
def test_a_missing_or_bad_year_is_a_422_naming_it(
    client: TestClient, own: dict[str, str], year: Any
) -> None:
    body = seed_report() if year is None else with_year(seed_report(), year)

    refused = client.post(POST, json=body, headers=own)

    assert refused.status_code == 422
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/year"]


def test_anonymous_and_other_agencies_may_not_post(client: TestClient, session: Session) -> None:
    make_agency(session, "640181", name="灵武市人民政府")
    other = bearer(issue_key(session, make_agency(session, "640100", name="银川市人民政府")))

    assert client.post(POST, json=with_year(seed_report())).status_code == 401
    assert client.post(POST, json=with_year(seed_report()), headers=other).status_code == 403
