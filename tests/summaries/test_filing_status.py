"""GET /api/v1/filing-status: every agency of a subtree, with or without a report."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from tests.conftest import ADMIN_TOKEN
from tests.factories import bearer, issue_key
from tests.summaries.helpers import Tree, body, store

YEAR = 2021


def seed_year(session: Session, tree: Tree) -> None:
    store(session, tree.county_a, YEAR, body("2021", new=10, granted=6))
    store(session, tree.town_a1, YEAR, body("2021", new=4, granted=4))
    store(session, tree.town_a2, YEAR, body("2021", new=1, granted=1, status="draft"))
    store(session, tree.town_b1, YEAR, body("2019", new=3, granted=1, status="submitted"))
    store(session, tree.other_root, YEAR - 1, body("2019", new=1, granted=1))


# The states of drafts and submissions, and the counts, are for the office (a key above the
# agencies, or the administrator); anonymous callers see published or missing only.
OFFICE = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def status(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = client.get(
        "/api/v1/filing-status", params={"year": YEAR, **params}, headers=OFFICE | (headers or {})
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_every_agency_of_the_subtree_is_listed_in_tree_order(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    page = status(client, agency="3208")
    assert page["counts"] == {"missing": 2, "draft": 1, "submitted": 1, "published": 2}
    assert (page["total"], page["limit"], page["offset"]) == (6, 100, 0)
    assert [
        (item["code"], item["status"], item["error_count"], item["warning_count"])
        for item in page["items"]
    ] == [
        ("3208", "missing", None, None),
        ("320801", "published", 0, 0),
        ("32080101", "published", 0, 0),
        ("32080102", "draft", 0, 0),
        ("320802", "missing", None, None),
        ("32080201", "submitted", 0, 1),  # the 2019 format in 2021: one warning
    ]
    assert page["items"][0]["updated_at"] is None
    assert page["items"][1]["updated_at"] is not None


def test_missing_filter_lists_exactly_the_agencies_without_a_report(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    page = status(client, agency="3208", status="missing")
    assert [item["code"] for item in page["items"]] == ["3208", "320802"]
    assert page["total"] == 2
    everyone = status(client, status="missing")
    assert [item["code"] for item in everyone["items"]] == ["3208", "320802", "6401"]


def test_pages_split_the_list(client: TestClient, session: Session, tree: Tree) -> None:
    seed_year(session, tree)
    page = status(client, agency="3208", limit=2, offset=1)
    assert [item["code"] for item in page["items"]] == ["320801", "32080101"]
    assert page["total"] == 6


def test_a_new_draft_changes_the_etag(client: TestClient, session: Session, tree: Tree) -> None:
    seed_year(session, tree)
    params: dict[str, str | int] = {"year": YEAR, "agency": "3208"}
    etag = client.get("/api/v1/filing-status", params=params, headers=OFFICE).headers["ETag"]
    cached = client.get(
        "/api/v1/filing-status", params=params, headers=OFFICE | {"If-None-Match": etag}
    )
    assert cached.status_code == 304
    store(session, tree.county_b, YEAR, body("2021", new=1, granted=1, status="draft"))
    fresh = client.get(
        "/api/v1/filing-status", params=params, headers=OFFICE | {"If-None-Match": etag}
    )
    assert fresh.status_code == 200
    assert fresh.json()["counts"]["missing"] == 1


def test_limit_over_1000_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/filing-status", params={"year": YEAR, "limit": 1001})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/limit"


def test_anonymous_callers_see_published_or_missing_and_no_counts(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    response = client.get("/api/v1/filing-status", params={"year": YEAR, "agency": "3208"})

    page = response.json()
    assert page["counts"] == {"missing": 4, "draft": 0, "submitted": 0, "published": 2}
    assert [
        (item["code"], item["status"], item["error_count"], item["updated_at"])
        for item in page["items"]
    ] == [
        ("3208", "missing", None, None),
        ("320801", "published", None, None),
        ("32080101", "published", None, None),
        ("32080102", "missing", None, None),
        ("320802", "missing", None, None),
        ("32080201", "missing", None, None),
    ]


def test_a_key_sees_the_states_of_its_own_subtree_only(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    county_a = bearer(issue_key(session, tree.county_a))
    response = client.get(
        "/api/v1/filing-status", params={"year": YEAR, "agency": "3208"}, headers=county_a
    )

    assert [(item["code"], item["status"]) for item in response.json()["items"]] == [
        ("3208", "missing"),
        ("320801", "published"),
        ("32080101", "published"),
        ("32080102", "draft"),  # below the key's agency
        ("320802", "missing"),
        ("32080201", "missing"),  # submitted, but in another county's subtree
    ]


def test_a_draft_does_not_move_the_anonymous_etag(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params: dict[str, str | int] = {"year": YEAR, "agency": "3208"}
    etag = client.get("/api/v1/filing-status", params=params).headers["ETag"]

    store(session, tree.county_b, YEAR, body("2021", new=1, granted=1, status="draft"))

    again = client.get("/api/v1/filing-status", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304
