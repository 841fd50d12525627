"""GET /api/v1/agencies/{code}/trend: key figures per year, exact."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from tests.summaries.helpers import Tree, body, store

NO_OUTCOMES = {"total": None, "corrected": None}


def seed_years(session: Session, tree: Tree) -> None:
    store(session, tree.town_a1, 2020, body("2019", new=3, granted=2, withheld=1, upheld=1))
    store(session, tree.town_a1, 2021, body("2021", new=4, granted=4))
    store(session, tree.town_a1, 2023, body("2021", new=6, granted=3, withheld=2, corrected=2))
    store(
        session,
        tree.county_a,
        2021,
        body("2021", new=10, granted=6, withheld=1, upheld=2, corrected=1),
    )
    store(session, tree.town_a2, 2021, body("2021", new=50, granted=50, status="submitted"))


def trend(client: TestClient, code: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/agencies/{code}/trend", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def figures(
    year: int,
    reports: int,
    new: int,
    granted: int,
    withheld: int,
    carried: int,
    review_total: int,
    review_corrected: int,
) -> dict[str, Any]:
    zero = {"total": 0, "corrected": 0}
    return {
        "year": year,
        "reports": reports,
        "new_applications": new,
        "granted": granted,
        "partially_granted": 0,
        "withheld": withheld,
        "unavailable": 0,
        "not_processed": 0,
        "carried_forward": carried,
        "reviews": {"total": review_total, "corrected": review_corrected},
        "litigation_direct": zero,
        "litigation_after_review": zero,
    }


def empty(year: int) -> dict[str, Any]:
    return {
        "year": year,
        "reports": 0,
        "new_applications": None,
        "granted": None,
        "partially_granted": None,
        "withheld": None,
        "unavailable": None,
        "not_processed": None,
        "carried_forward": None,
        "reviews": NO_OUTCOMES,
        "litigation_direct": NO_OUTCOMES,
        "litigation_after_review": NO_OUTCOMES,
    }


def test_subtree_trend_sums_published_reports_per_year(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_years(session, tree)
    result = trend(client, "320801", **{"from": 2020, "to": 2023, "subtree": "true"})
    assert (result["agency"], result["subtree"]) == ({"code": "320801", "name": "甲县"}, True)
    assert result["years"] == [
        figures(
            2020, 1, new=3, granted=2, withheld=1, carried=0, review_total=1, review_corrected=0
        ),
        figures(
            2021, 2, new=14, granted=10, withheld=1, carried=3, review_total=3, review_corrected=1
        ),
        empty(2022),
        figures(
            2023, 1, new=6, granted=3, withheld=2, carried=1, review_total=2, review_corrected=2
        ),
    ]


def test_agency_alone_trend_leaves_out_the_agencies_below(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_years(session, tree)
    result = trend(client, "320801", **{"from": 2020, "to": 2021})
    assert result["years"] == [
        empty(2020),
        figures(
            2021, 1, new=10, granted=6, withheld=1, carried=3, review_total=3, review_corrected=1
        ),
    ]


def test_trend_is_cached_until_a_report_is_published(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_years(session, tree)
    url = "/api/v1/agencies/3208/trend"
    params: dict[str, str | int] = {"from": 2020, "to": 2023, "subtree": "true"}
    etag = client.get(url, params=params).headers["ETag"]
    assert client.get(url, params=params, headers={"If-None-Match": etag}).status_code == 304
    store(session, tree.town_b1, 2022, body("2021", new=1, granted=1))
    again = client.get(url, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.json()["years"][2]["new_applications"] == 1


def test_from_after_to_is_refused(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/agencies/3208/trend", params={"from": 2022, "to": 2021})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "#/query/to", "message": "must be ≥ from"}]


def test_span_over_fifty_years_is_refused(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/agencies/3208/trend", params={"from": 2010, "to": 2060})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/to"


def test_fifty_years_are_allowed(client: TestClient, tree: Tree) -> None:
    assert len(trend(client, "3208", **{"from": 2010, "to": 2059})["years"]) == 50


def test_year_before_2008_names_the_parameter(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/agencies/3208/trend", params={"from": 2007, "to": 2010})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/from"


def test_trend_of_unknown_agency_is_not_found(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/agencies/999/trend", params={"from": 2020, "to": 2021})
    assert response.status_code == 404
