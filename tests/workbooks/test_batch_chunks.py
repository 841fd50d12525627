"""A JSON batch stored a chunk per transaction: each item answered exactly as one PUT would
be, refused items absent, the others stored with their revisions, roll-ups, change feed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.dependencies import Caller
from app.agencies.models import Agency
from app.formats.schema import parse_report
from app.reports.service import Writer, put_report
from app.workbooks import batch
from tests.conftest import _empty_tables
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze
from tests.summaries.helpers import body
from tests.summaries.test_rollups import (
    AGENCIES,
    YEAR,
    assert_rollups_equal_recount,
    publications,
    trees,
)
from tests.summaries.test_summary import value


def _post(client: TestClient, headers: dict[str, str], items: list[dict[str, Any]]) -> Any:
    response = client.post("/api/v1/reports/batch", json={"items": items}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _item(code: str, year: int, report: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"agency_code": code, "year": year, "report": report, **extra}


def _draft(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "status": "draft"}


def _balanced(new: int, **kwargs: Any) -> dict[str, Any]:
    return body("2021", new=new, granted=new, **kwargs)


@pytest.fixture
def county(session: Session) -> Agency:
    county = make_agency(session, "640181", name="灵武市人民政府")
    for number in (1, 2, 3, 4):
        make_agency(session, f"64018100{number}", name=f"第{number}乡", parent=county)
    make_agency(session, "640106", name="金凤区人民政府")
    return county


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two items: a batch of five spans three transactions."""
    monkeypatch.setattr(batch, "CHUNK_ITEMS", 2)


@pytest.mark.usefixtures("small_chunks")
def test_each_item_gets_the_answer_its_own_put_would_get(
    client: TestClient, session: Session, county: Agency, admin_headers: dict[str, str]
) -> None:
    key = bearer(issue_key(session, county))
    client.put("/api/v1/agencies/640181004/reports/2021", json=_balanced(1), headers=key)
    broken = _balanced(4)
    broken["reviews"]["review"]["total"] = 5  # 复议总计 ≠ 维持+纠正+其他+未审结
    items = [
        _item("640181001", 2021, _balanced(2)),
        _item("640181002", 2021, broken),  # refused by a rule, in the middle of a chunk
        _item("640106", 2021, _balanced(3)),  # another county: not this key's
        _item("640181004", 2021, _balanced(5), if_match='"r1"'),  # a second revision
        _item("640181003", 2021, _balanced(6), if_match='"r7"'),  # stale If-Match
        _item("640999", 2021, _balanced(7)),  # no such agency
        _item("640181003", 2021, {**_balanced(8), "status": "draft"}),
    ]

    answers = _post(client, key, items)

    assert [(a["agency_code"], a["status"], a.get("revision")) for a in answers] == [
        ("640181001", 201, 1),
        ("640181002", 422, None),
        ("640106", 403, None),
        ("640181004", 200, 2),
        ("640181003", 412, None),
        ("640999", 404, None),
        ("640181003", 201, 1),
    ]
    assert [f["rule"] for f in answers[1]["findings"]] == ["reviews.total"]
    assert answers[1]["problem"]["code"] == "unprocessable"
    assert answers[4]["problem"]["code"] == "precondition_failed"
    assert all(a["findings"] == [] for a in answers if a["status"] in (200, 201))

    def stored(code: str) -> Any:
        return client.get(f"/api/v1/agencies/{code}/reports/2021", headers=admin_headers)

    assert stored("640181002").status_code == 404
    assert stored("640106").status_code == 404
    assert stored("640181001").json()["applications"]["new_received"]["total"] == 2
    assert stored("640181004").json()["revision"] == 2
    assert stored("640181003").json()["status"] == "draft"
    feed = client.get("/api/v1/changes", headers=admin_headers).json()["items"]
    assert [(c["agency_code"], c["revision"], c["status"]) for c in feed] == [
        ("640181004", 1, "published"),
        ("640181001", 1, "published"),
        ("640181004", 2, "published"),
        ("640181003", 1, "draft"),
    ]


def test_the_same_report_twice_in_a_batch_is_two_revisions(
    client: TestClient, county: Agency, admin_headers: dict[str, str]
) -> None:
    answers = _post(
        client,
        admin_headers,
        [
            _item("640181001", 2021, _balanced(2)),
            _item("640181001", 2021, {**_balanced(9), "status": "draft"}),
            _item("640181001", 2021, _balanced(3), if_match='"r2"'),
            _item("640181001", 2021, _balanced(4), if_match='"r2"'),  # r3 is current now
        ],
    )

    assert [(a["status"], a.get("revision")) for a in answers] == [
        (201, 1),
        (200, 2),
        (200, 3),
        (412, None),
    ]
    path = "/api/v1/agencies/640181001/reports/2021"
    revisions = client.get(f"{path}/revisions", headers=admin_headers).json()["items"]
    assert [(r["revision"], r["status"]) for r in revisions] == [
        (1, "published"),
        (2, "draft"),
        (3, "published"),
    ]
    assert client.get(path).json()["applications"]["new_received"]["total"] == 3
    assert client.get(path, headers=admin_headers).headers["ETag"] == '"r3"'
    summary = client.get("/api/v1/summary?year=2021&agency=640181").json()
    assert summary["agencies_reported"] == 1
    assert value(summary, "applications", "new_received", "total") == 3


def test_a_year_and_the_year_after_in_one_batch_are_compared(
    client: TestClient, county: Agency, admin_headers: dict[str, str]
) -> None:
    """洪泽区 2024 against its 2023 sent in the same batch: 行政许可 550 → 9487 is a jump."""
    answers = _post(
        client,
        admin_headers,
        [
            _item("640181001", 2023, _draft(hongze(2023))),
            _item("640181001", 2024, _draft(hongze(2024))),
        ],
    )

    assert [a["status"] for a in answers] == [201, 201]
    later = [f["rule"] for f in answers[1]["findings"]]
    assert "history.figure_jump" in later
    # The same report PUT alone, its 2023 stored before it, finds the same.
    again = client.put(
        "/api/v1/agencies/640181001/reports/2024", json=_draft(hongze(2024)), headers=admin_headers
    )
    assert [f["rule"] for f in again.json()["findings"]] == later
    assert answers[1]["findings"] == again.json()["findings"]


def test_two_agencies_with_the_same_figures_in_one_batch_are_found_identical(
    client: TestClient, county: Agency, admin_headers: dict[str, str]
) -> None:
    answers = _post(
        client,
        admin_headers,
        [_item("640181001", 2024, hongze(2024)), _item("640181002", 2024, hongze(2024))],
    )
    alone = client.put(
        "/api/v1/agencies/640181003/reports/2024", json=hongze(2024), headers=admin_headers
    )

    identical = [
        f for f in answers[1]["findings"] if f["rule"] == "report.identical_to_other_agency"
    ]
    assert [a["status"] for a in answers] == [201, 201]
    assert "report.identical_to_other_agency" not in [f["rule"] for f in answers[0]["findings"]]
    assert len(identical) == 1 and "640181001" in identical[0]["message"]
    found_alone = [
        f for f in alone.json()["findings"] if f["rule"] == "report.identical_to_other_agency"
    ]
    assert "640181001" in found_alone[0]["message"] and "640181002" in found_alone[0]["message"]


def test_a_batch_moves_the_summarys_etag(
    client: TestClient, county: Agency, admin_headers: dict[str, str]
) -> None:
    before = client.get("/api/v1/summary?year=2021&agency=640181")
    _post(client, admin_headers, [_item("640181001", 2021, _balanced(2))])
    after = client.get("/api/v1/summary?year=2021&agency=640181")

    assert before.headers["ETag"] != after.headers["ETag"]
    assert value(after.json(), "applications", "new_received", "total") == 2
    stale = client.get(
        "/api/v1/summary?year=2021&agency=640181", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert stale.status_code == 200


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    parents=trees,
    steps=st.lists(publications, min_size=1, max_size=10),
    chunk=st.integers(1, 4),
)
def test_rollups_equal_a_recount_after_a_batch(
    session: Session,
    clean_db: Engine,
    monkeypatch: pytest.MonkeyPatch,
    parents: list[int | None],
    steps: list[Any],
    chunk: int,
) -> None:
    """Random trees and publications (consolidated, drafts, the same agency again) posted as
    one batch, ``chunk`` items per transaction."""
    _empty_tables(clean_db)
    monkeypatch.setattr(batch, "CHUNK_ITEMS", chunk)
    codes = [f"32{i:02d}" for i in range(AGENCIES)]
    agencies: list[Agency] = []
    for index, parent in enumerate(parents):
        parent_agency = None if parent is None else agencies[parent]
        agencies.append(make_agency(session, codes[index], parent=parent_agency))
    items = [
        _item(
            codes[step.agency],
            YEAR,
            body(
                step.format,
                new=step.new,
                granted=step.new,
                amount=step.amount,
                status=step.status,
                scope=step.scope,
            ),
        )
        for step in steps
    ]

    answers = batch.store_json_items(
        session, caller=Caller("admin"), items=items, writer=Writer("admin"), lang="zh"
    )

    assert all(answer["status"] in (200, 201) for answer in answers), answers
    assert_rollups_equal_recount(session)


def test_a_batch_and_single_puts_racing_under_one_province_lose_nothing(
    session: Session, clean_db: Engine
) -> None:
    """Two batches over every township (in opposite orders) and single PUTs of the cities'
    consolidated reports, at once: no deadlock, and the roll-ups equal a recount."""
    province = make_agency(session, "32")
    cities = [make_agency(session, f"32{c:02d}", parent=province) for c in range(2)]
    towns = [
        make_agency(session, f"{city.code}{t:02d}", parent=city)
        for city in cities
        for t in range(4)
    ]
    items = [_item(town.code, YEAR, _balanced(n + 1)) for n, town in enumerate(towns)]
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def send_batch(ordered: list[dict[str, Any]]) -> None:
        try:
            with Session(clean_db, expire_on_commit=False) as own:
                barrier.wait(timeout=30)
                answers = batch.store_json_items(
                    own, caller=Caller("admin"), items=ordered, writer=Writer("admin"), lang="zh"
                )
                assert all(a["status"] in (200, 201) for a in answers), answers
        except BaseException as exc:
            failures.append(exc)

    def put_city(city: Agency) -> None:
        try:
            with Session(clean_db, expire_on_commit=False) as own:
                barrier.wait(timeout=30)
                for round_ in (1, 2):
                    report = _balanced(10 * round_, scope="consolidated")
                    put_report(
                        own,
                        agency=city,
                        year=YEAR,
                        body=parse_report(report, year=YEAR),
                        writer=Writer("admin"),
                        if_match=None,
                    )
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=send_batch, args=(items,)),
        threading.Thread(target=send_batch, args=(items[::-1],)),
        *(threading.Thread(target=put_city, args=(city,)) for city in cities),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    feed = client_free_changes(session)
    assert len(feed) == 2 * len(towns) + 2 * len(cities)
    assert_rollups_equal_recount(session)


def client_free_changes(session: Session) -> list[Any]:
    from app.reports.changes import read_changes

    return read_changes(session, after=0, limit=1000, private_path="").items
