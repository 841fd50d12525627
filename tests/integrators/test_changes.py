"""GET /api/v1/changes: the portal follows every publication from its last cursor."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.testclient import TestClient

from app.db import utcnow
from app.reports.changes import decode_cursor, encode_cursor, record_change
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report
from tests.robustness.live_server import live_servers

FEED = "/api/v1/changes"


def report(status: str) -> dict[str, Any]:
    return {**seed_report(), "status": status}


def put(client: TestClient, code: str, year: int, status: str, key: dict[str, str]) -> None:
    path = f"/api/v1/agencies/{code}/reports/{year}"
    assert client.put(path, json=report(status), headers=key).status_code in {200, 201}


def seen(answer: httpx.Response) -> list[tuple[str, int, int, str]]:
    assert answer.status_code == 200, answer.text
    return [
        (i["agency_code"], i["year"], i["revision"], i["status"]) for i in answer.json()["items"]
    ]


@pytest.fixture
def keys(session: Session) -> dict[str, dict[str, str]]:
    """灵武市 with one township below it, and 银川市 beside it; a key for each government."""
    lingwu = make_agency(session, "640181", name="灵武市人民政府")
    make_agency(session, "640181-dongta", name="灵武市东塔镇人民政府", parent=lingwu)
    yinchuan = make_agency(session, "640100", name="银川市人民政府")
    return {
        "640181": bearer(issue_key(session, lingwu)),
        "640100": bearer(issue_key(session, yinchuan)),
    }


@pytest.fixture
def history(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    put(client, "640181-dongta", 2020, "draft", keys["640181"])
    put(client, "640100", 2020, "published", keys["640100"])
    put(client, "640181-dongta", 2020, "published", keys["640181"])
    put(client, "640100", 2021, "draft", keys["640100"])


@pytest.mark.usefixtures("history")
def test_anonymous_callers_see_publications_only(client: TestClient) -> None:
    assert seen(client.get(FEED)) == [
        ("640100", 2020, 1, "published"),
        ("640181-dongta", 2020, 2, "published"),
    ]


@pytest.mark.usefixtures("history")
def test_a_key_sees_its_subtrees_revisions_and_publications_elsewhere(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    assert seen(client.get(FEED, headers=keys["640181"])) == [
        ("640181-dongta", 2020, 1, "draft"),
        ("640100", 2020, 1, "published"),
        ("640181-dongta", 2020, 2, "published"),
    ]


@pytest.mark.usefixtures("history")
def test_the_administrator_sees_every_revision(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert seen(client.get(FEED, headers=admin_headers)) == [
        ("640181-dongta", 2020, 1, "draft"),
        ("640100", 2020, 1, "published"),
        ("640181-dongta", 2020, 2, "published"),
        ("640100", 2021, 1, "draft"),
    ]


@pytest.mark.usefixtures("history")
def test_a_follower_pages_with_the_cursor_and_gets_only_what_is_new(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    first = client.get(FEED, params={"limit": 1}).json()
    second = client.get(FEED, params={"limit": 1, "since": first["next"]}).json()
    end = client.get(FEED, params={"limit": 1, "since": second["next"]}).json()

    assert [i["agency_code"] for i in first["items"] + second["items"]] == [
        "640100",
        "640181-dongta",
    ]
    assert end["items"] == []
    # The tail of drafts the caller may not see is passed over, not scanned again.
    assert decode_cursor(end["next"]) == 4
    put(client, "640100", 2021, "published", keys["640100"])
    assert seen(client.get(FEED, params={"since": end["next"]})) == [
        ("640100", 2021, 2, "published")
    ]


def test_an_empty_feed_answers_no_items_and_the_start_cursor(client: TestClient) -> None:
    assert client.get(FEED).json() == {"items": [], "next": encode_cursor(0)}


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"since": "not-a-cursor"}, "#/query/since"),
        ({"since": encode_cursor(1)[:-1] + "!"}, "#/query/since"),
        ({"limit": 0}, "#/query/limit"),
        ({"limit": 1001}, "#/query/limit"),
        ({"limit": "ten"}, "#/query/limit"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_422_naming_it(
    client: TestClient, params: dict[str, Any], pointer: str
) -> None:
    answer = client.get(FEED, params=params)

    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert [error["pointer"] for error in answer.json()["errors"]] == [pointer]


def test_a_change_committed_late_is_not_skipped(
    client: TestClient, session: Session, engine: Engine, keys: dict[str, dict[str, str]]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer for the whole file: commits cannot interleave")
    township = session.exec(text("SELECT id FROM agency WHERE code = '640181-dongta'")).one()[0]
    # A writer takes its place in the feed and has not committed yet…
    slow = Session(engine)
    record_change(slow, agency_id=township, year=2019, revision=1, status="published", at=utcnow())
    # …while another writer publishes a report.
    quick = threading.Thread(target=put, args=(client, "640100", 2020, "published", keys["640100"]))
    quick.start()
    try:
        _wait_for_a_queued_append(engine)
        during = client.get(FEED).json()
        slow.commit()
    finally:
        slow.close()
        quick.join(timeout=30)

    assert during["items"] == []
    assert seen(client.get(FEED, params={"since": during["next"]})) == [
        ("640181-dongta", 2019, 1, "published"),
        ("640100", 2020, 1, "published"),
    ]


def _wait_for_a_queued_append(engine: Engine) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'report_change'::regclass"
    )
    deadline = time.monotonic() + 20
    with engine.connect() as connection:
        while connection.execute(waiting).scalar_one() == 0:
            assert time.monotonic() < deadline, "the second append never queued behind the first"
            time.sleep(0.02)
            connection.rollback()


def test_two_servers_on_one_database_give_the_same_feed(
    database_url: str, clean_db: Engine, session: Session
) -> None:
    if clean_db.dialect.name != "postgresql":
        pytest.skip("replicas share PostgreSQL, not SQLite")
    key = bearer(issue_key(session, make_agency(session, "640181", name="灵武市人民政府")))
    path = "/api/v1/agencies/640181/reports/{year}"
    with live_servers(database_url, 2) as servers:
        one, two = (server.base_url for server in servers)
        for year, server in [(2019, one), (2020, two), (2021, one)]:
            written = httpx.put(
                server + path.format(year=year), json=report("published"), headers=key
            )
            assert written.status_code == 201
        pages = {}
        for server in (one, two):
            first = httpx.get(f"{server}{FEED}", params={"limit": 2}).json()
            rest = httpx.get(f"{server}{FEED}", params={"since": first["next"]}).json()
            pages[server] = (first, rest)
        # A cursor handed out by one replica is read by the other.
        crossed = httpx.get(f"{two}{FEED}", params={"since": pages[one][0]["next"]}).json()

    assert pages[one] == pages[two]
    first, rest = pages[one]
    assert [i["year"] for i in first["items"]] == [2019, 2020]
    assert [i["year"] for i in rest["items"]] == [2021]
    assert crossed == rest
