"""GET /api/v1/summary: exact sums over a three-level hierarchy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.service import update_agency
from app.summaries.schemas import Summary
from tests.factories import make_agency
from tests.summaries.helpers import Tree, body, store, summed

YEAR = 2021


def value(summary: dict[str, Any], section: str, row: str, column: str) -> Any:
    rows = {item["key"]: item for item in summary["sections"][section]["rows"]}
    return {item["key"]: item["value"] for item in rows[row]["columns"]}[column]


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


def seed_year(session: Session, tree: Tree) -> None:
    """county_a and town_a1 published (2021 format), town_a2 only a draft, town_b1 a late
    filer in the 2019 format, county_b and the city without a report, another root."""
    store(
        session,
        tree.county_a,
        YEAR,
        body("2021", new=10, granted=6, withheld=1, upheld=2, corrected=1, amount="1.25"),
    )
    store(session, tree.town_a1, YEAR, body("2021", new=4, granted=4, amount="0.5"))
    store(session, tree.town_a2, YEAR, body("2021", new=100, granted=100, status="draft"))
    store(session, tree.town_b1, YEAR, body("2019", new=3, granted=1, amount="9"))
    store(session, tree.other_root, YEAR, body("2021", new=7, granted=7))


def test_subtree_of_one_format_is_summed_exactly(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params = {"year": YEAR, "agency": "320801", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert summary["agency"] == {"code": "320801", "name": "甲县"}
    assert (summary["agencies_total"], summary["agencies_reported"]) == (3, 2)
    assert summary["agencies"] == [
        summed("320801", "甲县", "2021", "agency"),
        summed("32080101", "甲县一镇", "2021", "agency"),
    ]
    assert summary["formats"] == ["2021"]
    assert summary["omitted_cells"] == []
    assert value(summary, "applications", "new_received", "total") == 14
    assert value(summary, "applications", "new_received", "natural_person") == 14
    assert value(summary, "applications", "granted", "total") == 10
    assert value(summary, "applications", "withheld_state_secret", "total") == 1
    assert value(summary, "applications", "carried_forward", "total") == 3
    assert value(summary, "reviews", "review", "total") == 3
    assert value(summary, "reviews", "review", "corrected") == 1
    assert value(summary, "proactive", "fees", "amount") == "1.75"


def test_unpublished_drafts_are_not_summed(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    summary = client.get("/api/v1/summary", params={"year": YEAR, "agency": "32080102"}).json()
    assert (summary["agencies_total"], summary["agencies_reported"]) == (1, 0)
    assert value(summary, "applications", "new_received", "total") is None


def test_mixed_formats_sum_shared_cells_and_list_the_others(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params = {"year": YEAR, "agency": "3208", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert (summary["agencies_total"], summary["agencies_reported"]) == (6, 3)
    assert codes(summary["agencies"]) == ["320801", "32080101", "32080201"]
    assert summary["formats"] == ["2019", "2021"]
    assert summary["sections"]["applications"]["format"] == "2021"
    assert value(summary, "applications", "new_received", "total") == 17
    assert value(summary, "applications", "granted", "total") == 11
    assert value(summary, "applications", "carried_forward", "total") == 5
    assert value(summary, "applications", "other", "total") == 0
    assert value(summary, "proactive", "licensing", "decisions") == 0
    # Only format 2021 has fees.amount, only 2019 procurement.amount: neither is summed.
    assert value(summary, "proactive", "fees", "amount") is None
    omitted = {(c["format"], c["section"], c["row"], c["column"]) for c in summary["omitted_cells"]}
    assert len(summary["omitted_cells"]) == 47  # 19 cells only in 2019, 28 only in 2021
    assert ("2021", "proactive", "fees", "amount") in omitted
    assert ("2019", "proactive", "procurement", "amount") in omitted
    assert {row for fmt, section, row, _ in omitted if section == "applications"} == {
        "other_no_correction",
        "other_fee_unpaid",
        "other_misc",
    }
    assert not any(section == "reviews" for _, section, _, _ in omitted)


def test_without_agency_every_root_is_summed(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    summary = client.get("/api/v1/summary", params={"year": YEAR}).json()
    assert summary["agency"] is None
    assert (summary["agencies_total"], summary["agencies_reported"]) == (7, 4)
    assert value(summary, "applications", "new_received", "total") == 24


def test_consolidated_report_replaces_the_reports_below_it(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    store(
        session, tree.city, YEAR, body("2021", new=20, granted=20, amount="3", scope="consolidated")
    )
    params = {"year": YEAR, "agency": "3208", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert (summary["agencies_total"], summary["agencies_reported"]) == (6, 1)
    assert summary["covered_by_consolidated"] == 3
    assert summary["agencies"] == [summed("3208", "淮安市", "2021", "consolidated")]
    assert codes(summary["covered_agencies"]) == ["320801", "32080101", "32080201"]
    assert value(summary, "applications", "new_received", "total") == 20
    assert value(summary, "proactive", "fees", "amount") == "3"
    assert summary["omitted_cells"] == []


def test_consolidated_report_above_the_subtree_does_not_hide_it(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    store(session, tree.city, YEAR, body("2021", new=20, granted=20, scope="consolidated"))
    params = {"year": YEAR, "agency": "320801", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert codes(summary["agencies"]) == ["320801", "32080101"]
    assert (summary["covered_by_consolidated"], summary["covered_agencies"]) == (0, [])
    assert value(summary, "applications", "new_received", "total") == 14


def test_consolidated_county_covers_only_its_own_townships(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    store(session, tree.county_a, YEAR, body("2021", new=12, granted=12, scope="consolidated"))
    params = {"year": YEAR, "agency": "3208", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert codes(summary["agencies"]) == ["320801", "32080201"]
    assert summary["covered_by_consolidated"] == 1
    assert codes(summary["covered_agencies"]) == ["32080101"]
    assert value(summary, "applications", "new_received", "total") == 15


def test_a_later_draft_does_not_change_the_summed_revision_or_its_format(
    client: TestClient, session: Session, tree: Tree
) -> None:
    store(session, tree.town_b1, YEAR, body("2019", new=3, granted=1))
    store(session, tree.town_b1, YEAR, body("2021", new=50, granted=50, status="draft"))
    params = {"year": YEAR, "agency": "320802", "include": "agencies"}
    summary = client.get("/api/v1/summary", params=params).json()
    assert summary["agencies"] == [summed("32080201", "乙县一镇", "2019", "agency")]
    assert summary["formats"] == ["2019"]
    assert value(summary, "applications", "new_received", "total") == 3


def test_body_is_exactly_what_the_summary_model_serialises(
    client: TestClient, session: Session, tree: Tree
) -> None:
    """The body is built from plain dicts: it must stay byte for byte the model's JSON."""
    seed_year(session, tree)
    store(session, tree.county_a, YEAR, body("2021", new=12, granted=12, scope="consolidated"))
    for params in (
        {"year": YEAR, "agency": "3208"},
        {"year": YEAR, "agency": "3208", "include": "agencies"},
        {"year": YEAR},
        {"year": 2030, "include": "agencies"},
    ):
        raw = client.get("/api/v1/summary", params=params).content
        summary = Summary.model_validate_json(raw)
        assert summary.model_dump_json().encode() == raw
    assert summary.agencies == [] and summary.formats == []


def test_change_to_a_township_changes_the_city_summary_and_its_etag(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params: dict[str, str | int] = {"year": YEAR, "agency": "3208"}
    first = client.get("/api/v1/summary", params=params)
    etag = first.headers["ETag"]
    unchanged = client.get("/api/v1/summary", params=params, headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.headers["ETag"], unchanged.content) == (304, etag, b"")

    store(session, tree.town_a1, YEAR, body("2021", new=9, granted=9))
    changed = client.get("/api/v1/summary", params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert value(first.json(), "applications", "new_received", "total") == 17
    assert value(changed.json(), "applications", "new_received", "total") == 22


def test_etag_depends_on_the_query(client: TestClient, session: Session, tree: Tree) -> None:
    seed_year(session, tree)
    city = client.get("/api/v1/summary", params={"year": YEAR, "agency": "3208"})
    county = client.get(
        "/api/v1/summary",
        params={"year": YEAR, "agency": "320801"},
        headers={"If-None-Match": city.headers["ETag"]},
    )
    assert county.status_code == 200


def test_unknown_agency_is_not_found(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/summary", params={"year": YEAR, "agency": "999"})
    assert response.status_code == 404


def test_year_out_of_range_names_the_parameter(client: TestClient) -> None:
    response = client.get("/api/v1/summary", params={"year": 2007})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/year"


def test_moving_a_township_changes_both_counties_summaries(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    params: dict[str, str | int] = {"year": YEAR, "agency": "320801", "include": "agencies"}
    etag = client.get("/api/v1/summary", params=params).headers["ETag"]
    update_agency(session, agency=tree.town_b1, parent_code="320801")
    moved = client.get("/api/v1/summary", params=params, headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert codes(moved.json()["agencies"]) == ["320801", "32080101", "32080201"]
    assert value(moved.json(), "applications", "new_received", "total") == 17


def test_postgresql_sessions_run_without_jit(session: Session) -> None:
    """JIT would compile the summaries' aggregates for longer than they run."""
    if session.get_bind().dialect.name == "postgresql":
        assert session.execute(text("SHOW jit")).scalar_one() == "off"


def test_the_agency_count_follows_agency_changes_at_once(
    client: TestClient, session: Session, tree: Tree
) -> None:
    """The subtree size is kept per agency-tree version: a new agency counts in the very next
    summary, and moving one out of the subtree uncounts it."""
    seed_year(session, tree)
    params = {"year": YEAR, "agency": "320801"}
    assert client.get("/api/v1/summary", params=params).json()["agencies_total"] == 3
    added = make_agency(session, "32080103", name="甲县三镇", parent=tree.county_a)
    assert client.get("/api/v1/summary", params=params).json()["agencies_total"] == 4
    update_agency(session, agency=added, parent_code=tree.county_b.code)
    assert client.get("/api/v1/summary", params=params).json()["agencies_total"] == 3
