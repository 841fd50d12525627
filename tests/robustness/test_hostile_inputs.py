"""A catalogue of hostile inputs: each is refused with a clear 4xx and stores nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from app.agencies.models import Agency
from app.reports.models import Report, ReportCell, ReportRevision
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze, seed_report, with_cell

PATH = "/api/v1/agencies/640181-baitugang/reports/2020"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def key(session: Session) -> dict[str, str]:
    township = make_agency(session, "640181-baitugang", name="灵武市白土岗乡人民政府")
    return bearer(issue_key(session, township))


@pytest.fixture
def nothing_stored(clean_db: Engine) -> Iterator[None]:
    """Fails the test if any report, revision, cell or extra agency was written."""
    yield
    with Session(clean_db) as session:
        counts = [
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Report, ReportRevision, ReportCell)
        ]
        agencies = session.exec(select(func.count()).select_from(Agency)).one()
    assert counts == [0, 0, 0]
    assert agencies <= 1


def put_raw(client: TestClient, key: dict[str, str], raw: bytes, path: str = PATH) -> Any:
    return client.put(path, content=raw, headers={**key, **JSON})


def pointers(response: Any) -> list[str]:
    return sorted(error["pointer"] for error in response.json()["errors"])


COUNT = "/applications/granted/natural_person"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "Input should be greater than or equal to 0"),
        (1.5, "Input should be a valid integer"),
        ("5", "Input should be a valid integer"),
        (True, "Input should be a valid integer"),
        (False, "Input should be a valid integer"),
        (10**30, "Input should be less than or equal to 1000000000000"),
    ],
    ids=["negative", "fractional", "string", "true", "false", "10**30"],
)
def test_bad_count_is_422_at_its_cell(
    client: TestClient, key: dict[str, str], nothing_stored: None, value: Any, message: str
) -> None:
    response = client.put(PATH, json=with_cell(seed_report(), COUNT, value), headers=key)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": COUNT, "message": message}]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None, constant: str
) -> None:
    raw = json.dumps(seed_report()).replace(
        '"natural_person": 0', f'"natural_person": {constant}', 1
    )
    response = put_raw(client, key, raw.encode())
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == f"{constant} is not a valid JSON number"


def test_unknown_key_is_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    body = seed_report()
    body["applications"]["granted"]["robots"] = 1
    body["surprise"] = True
    response = client.put(PATH, json=body, headers=key)
    assert response.status_code == 422
    assert pointers(response) == ["/applications/granted/robots", "/surprise"]


def test_key_of_the_other_format_is_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    body = seed_report()
    body["proactive"]["regulations"]["in_force"] = 3  # a 2021 column in a 2019 report
    response = client.put(PATH, json=body, headers=key)
    assert response.status_code == 422
    assert pointers(response) == ["/proactive/regulations/in_force"]


def test_whole_2021_body_under_2019_format_is_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    response = client.put(PATH, json=hongze(2024) | {"format": "2019"}, headers=key)
    assert response.status_code == 422
    assert "/proactive/fees/amount" in pointers(response)


def test_missing_identity_on_validate_is_named(client: TestClient, nothing_stored: None) -> None:
    response = client.post("/api/v1/validate", json=seed_report())
    assert response.status_code == 422
    assert pointers(response) == ["/agency_code", "/year"]


def test_missing_agency_name_is_named(
    client: TestClient, admin_headers: dict[str, str], nothing_stored: None
) -> None:
    response = client.post("/api/v1/agencies", json={"code": "640181-x"}, headers=admin_headers)
    assert response.status_code == 422
    assert pointers(response) == ["/name"]


def test_deeply_nested_json_is_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    raw = b'{"narrative": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = put_raw(client, key, raw)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "the body is nested deeper than 32 levels"


def test_twenty_megabyte_body_is_413_before_parsing(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    raw = b'{"narrative": {"overview": "' + b"x" * (20 * 1024 * 1024) + b'"}}'
    response = put_raw(client, key, raw)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_five_megabyte_narrative_is_413(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    body = seed_report()
    body["narrative"]["overview"] = "政" * (5 * 1024 * 1024 // 3)
    response = client.put(PATH, json=body, headers=key)
    assert response.status_code == 413


def test_invalid_utf8_is_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    raw = (
        json.dumps(seed_report(), ensure_ascii=False)
        .encode()
        .replace("白土岗".encode(), b"\xff\xfe\xfd", 1)
    )
    response = put_raw(client, key, raw)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("the body is not UTF-8")


def test_duplicate_json_keys_are_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None
) -> None:
    raw = json.dumps(seed_report())[:-1] + ', "status": "draft"}'
    response = put_raw(client, key, raw.encode())
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "duplicate key 'status'"


@pytest.mark.parametrize(
    "code",
    ['640181"; DROP TABLE agency; --', "a/b", "../../etc/passwd", "灵武市", "x" * 10_000, ""],
    ids=["quotes", "slash", "dots", "unicode", "10000-chars", "empty"],
)
def test_hostile_agency_codes_are_refused(
    client: TestClient, admin_headers: dict[str, str], nothing_stored: None, code: str
) -> None:
    created = client.post(
        "/api/v1/agencies", json={"code": code, "name": "某机关"}, headers=admin_headers
    )
    assert created.status_code == 422
    assert pointers(created) == ["/code"]
    read = client.get(
        f"/api/v1/agencies/{quote(code, safe='')}/reports/2020", headers=admin_headers
    )
    assert read.status_code in (404, 422)
    assert read.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("year", "status"), [("1900", 422), ("3000", 422), ("abc", 422)])
def test_out_of_range_years_are_refused(
    client: TestClient, key: dict[str, str], nothing_stored: None, year: str, status: int
) -> None:
    response = client.put(
        f"/api/v1/agencies/640181-baitugang/reports/{year}", json=seed_report(), headers=key
    )
    assert response.status_code == status
    assert pointers(response) == ["#/path/year"]


def test_header_injection_in_if_match_goes_nowhere(
    app: FastAPI, key: dict[str, str], nothing_stored: None
) -> None:
    """CR/LF cannot be sent by a well-behaved client; send them over raw ASGI."""
    body = json.dumps(seed_report()).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", key["Authorization"].encode()),
            (b"if-match", b'"r1"\r\nX-Injected: yes\r\n\r\n<html>'),
        ],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    assert start["status"] == 412
    header_names = [name.lower() for name, _ in start["headers"]]
    assert b"x-injected" not in header_names
    assert all(b"\r" not in value and b"\n" not in value for _, value in start["headers"])


def test_offset_beyond_64_bits_is_refused(client: TestClient) -> None:
    """Found by the fuzzer: SQLite cannot bind an integer past 64 bits (it was a 500)."""
    response = client.get("/api/v1/agencies", params={"offset": 10**20})
    assert response.status_code == 422
    assert pointers(response) == ["#/query/offset"]
