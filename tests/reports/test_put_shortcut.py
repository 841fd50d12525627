"""The JSON PUT's shortcut (app/reports/put_shortcut.py) answers exactly what the route answers,
and leaves to the route everything it does not fully understand.

Who answered is read off the scope (``RouteSpy``). The route's own answer to a request is had by
adding a query parameter: the JSON PUT ignores it, the shortcut declines any query.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session
from starlette.testclient import TestClient

from app.main import create_app
from app.reports.models import ReportRevision
from app.workbooks.template import XLSX_MEDIA_TYPE
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import hongze
from tests.route_spy import RouteSpy

CITY, DISTRICT = "320800", "320829"
REPORT = f"/api/v1/agencies/{DISTRICT}/reports/2024"
ADMIN = bearer(ADMIN_TOKEN)
# What differs between two writes of the same figures, whoever answers them.
MOMENTS = ("created_at", "updated_at", "written_at")


@pytest.fixture
def agencies(session: Session) -> dict[str, dict[str, str]]:
    """The city and its district, and a key of each."""
    city = make_agency(session, CITY, name="淮安市人民政府")
    district = make_agency(session, DISTRICT, name="淮安市洪泽区人民政府", parent=city)
    return {CITY: bearer(issue_key(session, city)), DISTRICT: bearer(issue_key(session, district))}


def _put(client: TestClient, spy: RouteSpy, url: str, body: Any, **headers: str) -> tuple[Any, str]:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    response = client.put(
        url, content=content, headers={"Content-Type": "application/json", **headers}
    )
    return response, spy.answered_by[-1]


def _without_moments(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: _without_moments(v) for k, v in answer.items() if k not in MOMENTS}
    if isinstance(answer, list):
        return [_without_moments(item) for item in answer]
    return answer


def _revisions(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(ReportRevision)).scalar_one())


@pytest.mark.usefixtures("agencies")
def test_a_write_through_the_shortcut_is_the_routes_write(
    spied: TestClient, spy: RouteSpy, clean_db: Engine
) -> None:
    created, answered = _put(spied, spy, REPORT, hongze(2024), **ADMIN)
    assert (created.status_code, answered) == (201, "shortcut")
    assert created.headers["etag"] == '"r1"'
    assert created.headers["location"] == REPORT
    by_route, answered = _put(spied, spy, f"{REPORT}?via=route", hongze(2024), **ADMIN)
    assert (by_route.status_code, answered) == (200, "route")
    again, answered = _put(spied, spy, REPORT, hongze(2024), **{"If-Match": '"r2"', **ADMIN})
    assert (again.status_code, answered) == (200, "shortcut")
    assert (by_route.headers["etag"], again.headers["etag"]) == ('"r2"', '"r3"')
    for name in ("content-type", "location"):
        assert again.headers[name] == by_route.headers[name]
    routed, shortcut = _without_moments(by_route.json()), _without_moments(again.json())
    assert shortcut == routed | {"revision": 3}
    assert _revisions(clean_db) == 3


@pytest.mark.usefixtures("agencies")
def test_english_callers_get_the_english_answer(spied: TestClient, spy: RouteSpy) -> None:
    english = {"Accept-Language": "en-GB, zh;q=0.5", **ADMIN}
    created, answered = _put(spied, spy, REPORT, hongze(2024), **english)
    assert (created.status_code, answered) == (201, "shortcut")
    assert created.headers["etag"] == '"r1-en"'


def _broken() -> dict[str, Any]:
    broken = copy.deepcopy(hongze(2024))
    broken["reviews"]["review"].update(upheld=10, corrected=1, total=0)
    return broken


# Each request the shortcut answers with a problem, and what the route answers to it.
REFUSED: list[tuple[str, str, Any, dict[str, str], int]] = [
    ("unknown agency", "/api/v1/agencies/999999/reports/2024", hongze(2024), ADMIN, 404),
    ("made-up token", REPORT, hongze(2024), bearer("dsk_nothing_nothing"), 401),
    ("another agency's key", f"/api/v1/agencies/{CITY}/reports/2024", hongze(2024), {}, 403),
    ("not JSON", REPORT, b'{"format": ', ADMIN, 422),
    ("not an object", REPORT, b"[1, 2]", ADMIN, 422),
    ("a key twice", REPORT, b'{"format": "2021", "format": "2019"}', ADMIN, 422),
    ("a schema problem", REPORT, hongze(2024) | {"status": "filed"}, ADMIN, 422),
    ("a broken published report", REPORT, _broken(), ADMIN, 422),
    ("stale If-Match", REPORT, hongze(2024), {"If-Match": '"r7"', **ADMIN}, 412),
    ("create only, but it exists", REPORT, hongze(2024), {"If-None-Match": "*", **ADMIN}, 412),
]


@pytest.mark.parametrize(
    ("url", "body", "headers", "status"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_a_refusal_from_the_shortcut_is_the_routes_refusal(
    spied: TestClient,
    spy: RouteSpy,
    clean_db: Engine,
    agencies: dict[str, dict[str, str]],
    url: str,
    body: Any,
    headers: dict[str, str],
    status: int,
) -> None:
    assert _put(spied, spy, REPORT, hongze(2024), **ADMIN)[0].status_code == 201
    headers = headers or agencies[DISTRICT]  # the district's key, on its city
    by_shortcut, answered = _put(spied, spy, url, body, **headers)
    assert (by_shortcut.status_code, answered) == (status, "shortcut")
    by_route, answered = _put(spied, spy, f"{url}?via=route", body, **headers)
    assert (by_route.status_code, answered) == (status, "route")
    assert by_shortcut.headers["content-type"] == "application/problem+json"
    shortcut_problem, route_problem = by_shortcut.json(), by_route.json()
    assert shortcut_problem.pop("request_id") != route_problem.pop("request_id")
    assert shortcut_problem == route_problem
    assert _revisions(clean_db) == 1  # nothing was written


# Requests the shortcut leaves to the route, having read nothing of them.
DECLINED: list[tuple[str, str, dict[str, str], int]] = [
    ("anonymous", REPORT, {"Content-Type": "application/json"}, 401),
    (
        "not a bearer token",
        REPORT,
        {"Authorization": "Basic YTpi", "Content-Type": "application/json"},
        401,
    ),
    ("plain text", REPORT, {"Content-Type": "text/plain", **ADMIN}, 422),
    ("a workbook", REPORT, {"Content-Type": XLSX_MEDIA_TYPE, **ADMIN}, 422),
    (
        "a year too early",
        "/api/v1/agencies/320829/reports/1999",
        {"Content-Type": "application/json", **ADMIN},
        422,
    ),
    ("a query", f"{REPORT}?status=draft", {"Content-Type": "application/json", **ADMIN}, 201),
]


@pytest.mark.usefixtures("agencies")
@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [case[1:] for case in DECLINED],
    ids=[case[0] for case in DECLINED],
)
def test_what_the_shortcut_is_not_sure_of_goes_to_the_route(
    spied: TestClient, spy: RouteSpy, url: str, headers: dict[str, str], status: int
) -> None:
    content = json.dumps(hongze(2024), ensure_ascii=False).encode()
    response = spied.put(url, content=content, headers=headers)
    assert (response.status_code, spy.answered_by[-1]) == (status, "route")


@pytest.mark.usefixtures("agencies")
def test_a_write_through_the_shortcut_is_counted_under_its_route(spied: TestClient) -> None:
    spied.put(REPORT, json=hongze(2024), headers=ADMIN)
    spied.put("/api/v1/agencies/999999/reports/2024", json=hongze(2024), headers=ADMIN)
    metrics = spied.get("/metrics").text
    assert 'method="PUT",route="/api/v1/agencies/{code}/reports/{year}",status="201"' in metrics
    assert 'method="PUT",route="/api/v1/agencies/{code}/reports/{year}",status="404"' in metrics


def test_the_keys_rate_limit_applies_to_the_shortcut_too(
    database_url: str, session: Session, agencies: dict[str, dict[str, str]]
) -> None:
    app = create_app(make_settings(database_url, rate_limit_per_minute=2))
    spy = RouteSpy(app)
    with TestClient(spy) as limited:
        statuses = [
            _put(limited, spy, REPORT, hongze(2024), **agencies[DISTRICT])[0].status_code
            for _ in range(3)
        ]
    app.state.engine.dispose()
    assert statuses == [201, 200, 429]
    assert spy.answered_by == ["shortcut"] * 3
