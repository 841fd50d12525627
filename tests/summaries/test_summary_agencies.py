"""The lean summary and /summary/agencies: counts in the body, the reports a page at a time."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from tests.summaries.helpers import Tree, body, store, summed
from tests.summaries.test_summary import YEAR, codes, seed_year


def page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/summary/agencies", params={"year": YEAR, **params})
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_the_lean_summary_counts_and_lists_nothing(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    store(session, tree.county_a, YEAR, body("2021", new=12, granted=12, scope="consolidated"))
    summary = client.get("/api/v1/summary", params={"year": YEAR, "agency": "3208"}).json()
    assert (summary["agencies_total"], summary["agencies_reported"]) == (6, 2)
    assert summary["covered_by_consolidated"] == 1
    assert (summary["agencies"], summary["covered_agencies"]) == (None, None)


def test_pages_walk_the_summed_reports_in_tree_order(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    first = page(client, agency="3208", limit=2)
    assert (first["total"], first["limit"], first["offset"], first["covered"]) == (3, 2, 0, False)
    assert first["agency"] == {"code": "3208", "name": "淮安市"}
    assert first["items"] == [
        summed("320801", "甲县", "2021", "agency"),
        summed("32080101", "甲县一镇", "2021", "agency"),
    ]
    second = page(client, agency="3208", limit=2, offset=2)
    assert second["items"] == [summed("32080201", "乙县一镇", "2019", "agency")]
    everything = page(client)
    assert (everything["agency"], everything["total"]) == (None, 4)
    assert codes(everything["items"]) == ["320801", "32080101", "32080201", "6401"]


def test_covered_reports_have_their_own_list(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    store(session, tree.city, YEAR, body("2021", new=20, granted=20, scope="consolidated"))
    summed = page(client, agency="3208")
    assert (summed["total"], codes(summed["items"])) == (1, ["3208"])
    covered = page(client, agency="3208", covered="true")
    assert covered["total"] == 3
    assert codes(covered["items"]) == ["320801", "32080101", "32080201"]
    # Asked for the county alone, the city's report above it hides nothing.
    assert page(client, agency="320801", covered="true")["total"] == 0


def test_a_page_answers_304_until_the_data_changes(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params = {"year": YEAR, "agency": "3208"}
    etag = client.get("/api/v1/summary/agencies", params=params).headers["ETag"]
    same = client.get("/api/v1/summary/agencies", params=params, headers={"If-None-Match": etag})
    assert same.status_code == 304
    store(session, tree.county_b, YEAR, body("2021", new=1, granted=1))
    changed = client.get("/api/v1/summary/agencies", params=params, headers={"If-None-Match": etag})
    assert (changed.status_code, changed.json()["total"]) == (200, 4)


def test_paging_parameters_are_checked(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/summary/agencies", params={"year": YEAR, "limit": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/limit"
    missing = client.get("/api/v1/summary/agencies", params={"year": YEAR, "agency": "999"})
    assert missing.status_code == 404
