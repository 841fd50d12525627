"""The shortcuts of the hottest anonymous reads (app/http/shortcuts.py) answer exactly what the
routes answer, and leave everything they are not sure of to the routes.

Which of the two answered is read off the request's scope: a route leaves FastAPI's route
object in ``scope["route"]``, a shortcut its ``RouteName``. Each answer is compared with the
route's own answer to the same request, obtained by adding a query parameter the route ignores
and the shortcut does not know (so it stands aside).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.main import create_app
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.factories import bearer, make_agency
from tests.reports.helpers import hongze
from tests.route_spy import RouteSpy

REPORT = "/api/v1/agencies/320829/reports/2024"
SECTION = f"{REPORT}/sections/applications"
SUMMARY = "/api/v1/summary?year=2024&agency=320800"
ADMIN = bearer(ADMIN_TOKEN)
SAME_HEADERS = ("content-type", "content-length", "etag")


@pytest.fixture
def published(session: Session, client: TestClient) -> None:
    city = make_agency(session, "320800", name="淮安市人民政府")
    make_agency(session, "320829", name="淮安市洪泽区人民政府", parent=city)
    assert client.put(REPORT, json=hongze(2024), headers=ADMIN).status_code == 201


def _get(client: TestClient, spy: RouteSpy, url: str, **headers: str) -> tuple[Any, str]:
    response = client.get(url, headers=headers)
    return response, spy.answered_by[-1]


def _same_answer(shortcut: Any, route: Any) -> None:
    assert shortcut.status_code == route.status_code
    assert shortcut.content == route.content
    for name in SAME_HEADERS:
        assert shortcut.headers.get(name) == route.headers.get(name), name
    assert shortcut.headers["x-request-id"]  # the edge middleware still wraps it


@pytest.mark.usefixtures("published")
def test_an_anonymous_section_is_the_routes_answer(spied: TestClient, spy: RouteSpy) -> None:
    by_route, answered = _get(spied, spy, f"{SECTION}?via=route")
    assert (by_route.status_code, answered) == (200, "route")
    by_shortcut, answered = _get(spied, spy, SECTION)
    assert answered == "shortcut"
    _same_answer(by_shortcut, by_route)
    assert by_shortcut.headers["etag"] == '"r1"'
    assert by_shortcut.json()["key"] == "applications"


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("held", ['"r1"', 'W/"r1"', "*", '"r0", "r1"'])
def test_a_held_section_is_a_304_from_the_shortcut(
    spied: TestClient, spy: RouteSpy, held: str
) -> None:
    response, answered = _get(spied, spy, SECTION, **{"If-None-Match": held})
    assert (response.status_code, answered) == (304, "shortcut")
    assert response.content == b""
    assert response.headers["etag"] == '"r1"'
    stale, answered = _get(spied, spy, SECTION, **{"If-None-Match": '"r0"'})
    assert (stale.status_code, answered) == (200, "shortcut")


@pytest.mark.usefixtures("published")
def test_a_draft_above_the_published_revision_is_not_shown_anonymously(
    spied: TestClient, spy: RouteSpy, client: TestClient
) -> None:
    draft = hongze(2024) | {"status": "draft"}
    assert client.put(REPORT, json=draft, headers=ADMIN).status_code == 200
    anonymous, answered = _get(spied, spy, SECTION)
    assert (anonymous.headers["etag"], answered) == ('"r1"', "shortcut")
    admin, answered = _get(spied, spy, SECTION, **ADMIN)
    assert (admin.headers["etag"], answered) == ('"r2"', "route")


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/agencies/999999/reports/2024/sections/applications", 404),  # no agency
        ("/api/v1/agencies/320800/reports/2024/sections/applications", 404),  # no report
        ("/api/v1/agencies/320829/reports/2023/sections/applications", 404),  # no such year
        ("/api/v1/agencies/320829/reports/1999/sections/applications", 422),  # year too early
        ("/api/v1/agencies/320829/reports/2O24/sections/applications", 422),  # not a year
        ("/api/v1/agencies/320829/reports/2024/sections/appendix", 422),  # no such section
        ("/api/v1/agencies/..../reports/2024/sections/applications", 404),  # not a code
    ],
)
def test_what_the_shortcut_is_not_sure_of_the_route_answers(
    spied: TestClient, spy: RouteSpy, url: str, status: int
) -> None:
    response, answered = _get(spied, spy, url)
    assert (response.status_code, answered) == (status, "route")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("published")
def test_a_token_always_goes_to_the_route(spied: TestClient, spy: RouteSpy) -> None:
    refused, answered = _get(spied, spy, SECTION, Authorization="Bearer not-a-token")
    assert (refused.status_code, answered) == (401, "route")


@pytest.mark.usefixtures("published")
def test_a_cached_summary_and_its_304_come_from_the_shortcut(
    spied: TestClient, spy: RouteSpy
) -> None:
    made, answered = _get(spied, spy, SUMMARY)
    assert (made.status_code, answered) == (200, "route")  # not cached yet: the route makes it
    cached, answered = _get(spied, spy, SUMMARY)
    assert answered == "shortcut"
    _same_answer(cached, made)
    held, answered = _get(spied, spy, SUMMARY, **{"If-None-Match": made.headers["etag"]})
    assert (held.status_code, answered) == (304, "shortcut")
    assert held.headers["etag"] == made.headers["etag"]


@pytest.mark.usefixtures("published")
def test_a_write_moves_the_summary_the_shortcut_answers(
    spied: TestClient, spy: RouteSpy, client: TestClient
) -> None:
    before = spied.get(SUMMARY)
    figures = hongze(2024)
    assert client.put(REPORT, json=figures, headers=ADMIN).status_code == 200
    after, answered = _get(spied, spy, SUMMARY, **{"If-None-Match": before.headers["etag"]})
    assert (after.status_code, answered) == (200, "route")
    assert after.headers["etag"] != before.headers["etag"]


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    "query",
    [
        "year=2024&agency=320800&agency=320829",  # a name given twice
        "year=2024&agency=320800&format=csv",  # a name the shortcut does not know
        "year=２０２４&agency=320800",  # digits, but not ASCII ones
        "year=2024&agency=320800&include=everything",
        "year=2024&agency=",
    ],
)
def test_a_summary_query_the_shortcut_does_not_know_goes_to_the_route(
    spied: TestClient, spy: RouteSpy, query: str
) -> None:
    spied.get(SUMMARY)  # cached
    route = TestClient(spy.app).get(f"/api/v1/summary?{query}")
    response, answered = _get(spied, spy, f"/api/v1/summary?{query}")
    assert answered == "route"
    assert response.status_code == route.status_code


@pytest.mark.usefixtures("published")
def test_the_shortcut_is_counted_under_its_route(spied: TestClient) -> None:
    spied.get(SECTION)
    metrics = spied.get("/metrics").text
    template = "/api/v1/agencies/{code}/reports/{year}/sections/{section}"
    assert f'route="{template}",status="200"' in metrics


@pytest.mark.usefixtures("published")
def test_the_rate_limit_applies_to_the_shortcut_too(database_url: str) -> None:
    app = create_app(make_settings(database_url, rate_limit_per_minute=3))
    spy = RouteSpy(app)
    with TestClient(spy) as limited:
        statuses = [limited.get(SECTION).status_code for _ in range(4)]
    app.state.engine.dispose()
    assert statuses == [200, 200, 200, 429]
    assert spy.answered_by[:3] == ["shortcut"] * 3
