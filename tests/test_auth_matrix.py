"""Who may call what: every protected route × every kind of caller, as one table.

The hierarchy: city 640100 → county 640181 (the target, "own") → township 640181201 ("child"),
and county 640106 ("sibling"). Path templates name agencies by role: {own}, {parent},
{child}, {sibling}, plus {own_key_id} (a valid key of the target, other than the caller's).
To cover a new route, append a Case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies import keys
from app.agencies.dependencies import (
    AUTHORIZATION_DEPENDENCIES,
    AdminDep,
    AgencyReadDep,
    AgencyWriteDep,
    CallerDep,
)
from app.errors import install_error_handlers
from app.formats.schema import parse_report
from app.reports import service as reports
from tests.conftest import ADMIN_TOKEN
from tests.factories import issue_key, make_agency
from tests.reports.helpers import hongze, seed_report

CALLERS = ("anonymous", "malformed", "revoked", "own", "parent", "child", "sibling", "admin")

# Writes anonymous callers may make, per the contract.
ANONYMOUS_WRITES = frozenset({("POST", "/api/v1/validate")})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    body: dict[str, Any] | None
    # One status per caller, in the order of CALLERS.
    expected: tuple[int, int, int, int, int, int, int, int]


ADMIN_ONLY = (401, 401, 401, 403, 403, 403, 403)
ANYONE_WITH_A_VALID_TOKEN_OR_NONE = (200, 401, 401, 200, 200, 200, 200, 200)

DRAFT_READ = (404, 401, 401, 200, 200, 404, 404, 200)
SEED = seed_report()

CASES = [
    Case(
        "POST",
        "/api/v1/agencies",
        {"code": "640181101", "name": "郝家桥镇人民政府", "parent_code": "{own}"},
        (*ADMIN_ONLY, 201),
    ),
    Case("GET", "/api/v1/agencies", None, ANYONE_WITH_A_VALID_TOKEN_OR_NONE),
    Case("GET", "/api/v1/agencies/{own}", None, ANYONE_WITH_A_VALID_TOKEN_OR_NONE),
    Case("PATCH", "/api/v1/agencies/{own}", {"name": "灵武市人民政府"}, (*ADMIN_ONLY, 200)),
    Case("POST", "/api/v1/agencies/{own}/keys", {"label": "办公室"}, (*ADMIN_ONLY, 201)),
    Case("GET", "/api/v1/agencies/{own}/keys", None, (*ADMIN_ONLY, 200)),
    Case("DELETE", "/api/v1/agencies/{own}/keys/{own_key_id}", None, (*ADMIN_ONLY, 204)),
    # Reports: an agency key writes its own agency and those below it, nothing above or beside.
    Case(
        "PUT", "/api/v1/agencies/{own}/reports/2020", SEED, (401, 401, 401, 201, 201, 403, 403, 201)
    ),
    Case(
        "PUT",
        "/api/v1/agencies/{child}/reports/2020",
        SEED,
        (401, 401, 401, 201, 201, 201, 403, 201),
    ),
    # {own} has a draft for 2021: callers who may not see drafts find no report.
    *(
        Case("GET", path, None, DRAFT_READ)
        for path in (
            "/api/v1/agencies/{own}/reports/2021",
            "/api/v1/agencies/{own}/reports/2021/revisions",
            "/api/v1/agencies/{own}/reports/2021/revisions/1",
            "/api/v1/agencies/{own}/reports/2021/sections/applications",
        )
    ),
    *(
        Case("GET", path, None, ANYONE_WITH_A_VALID_TOKEN_OR_NONE)
        for path in (
            "/api/v1/agencies/{own}/reports",
            "/api/v1/summary?year=2021&agency={parent}",
            "/api/v1/agencies/{own}/trend?from=2020&to=2021",
            "/api/v1/filing-status?year=2021&agency={parent}",
            "/api/v1/export.csv?year=2021&agency={parent}",
            "/api/v1/export/dictionary",
            "/api/v1/formats",
            "/api/v1/rules",
        )
    ),
    Case(
        "POST",
        "/api/v1/validate",
        {**SEED, "agency_code": "{own}", "year": 2020},
        ANYONE_WITH_A_VALID_TOKEN_OR_NONE,
    ),
]


@dataclass(frozen=True)
class World:
    values: dict[str, str]
    tokens: dict[str, str | None]


@pytest.fixture
def world(session: Session) -> World:
    city = make_agency(session, "640100", name="银川市")
    own = make_agency(session, "640181", name="灵武市", parent=city)
    child = make_agency(session, "640181201", name="白土岗乡人民政府", parent=own)
    sibling = make_agency(session, "640106", name="金凤区", parent=city)
    revoked = issue_key(session, own)
    keys.revoke_key(session, agency=own, key_id=revoked.split("_")[1])
    spare = issue_key(session, own)
    draft = parse_report(hongze(2024) | {"status": "draft"}, year=2021)
    reports.put_report(
        session, agency=own, year=2021, body=draft, writer=reports.Writer("admin"), if_match=None
    )
    return World(
        values={
            "own": own.code,
            "parent": city.code,
            "child": child.code,
            "sibling": sibling.code,
            "own_key_id": spare.split("_")[1],
        },
        tokens={
            "anonymous": None,
            "malformed": "dsk_not-a-key",
            "revoked": revoked,
            "own": issue_key(session, own),
            "parent": issue_key(session, city),
            "child": issue_key(session, child),
            "sibling": issue_key(session, sibling),
            "admin": ADMIN_TOKEN,
        },
    )


def _filled(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {key: _filled(item, values) for key, item in value.items()}
    return value


@pytest.mark.parametrize(
    ("case", "caller", "status"),
    [
        pytest.param(case, caller, status, id=f"{case.method} {case.path} as {caller}")
        for case in CASES
        for caller, status in zip(CALLERS, case.expected, strict=True)
    ],
)
def test_route_answers_caller_with_status(
    client: TestClient, world: World, case: Case, caller: str, status: int
) -> None:
    token = world.tokens[caller]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.request(
        case.method,
        _filled(case.path, world.values),
        headers=headers,
        json=_filled(case.body, world.values),
    )
    assert response.status_code == status, response.text


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependency_calls(dependency)


def unguarded_writes(app: FastAPI) -> list[str]:
    """API write routes that depend on no authorization dependency, as 'METHOD path'."""
    found = []
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None or not (route.path or "").startswith("/api/v1"):
            continue
        guarded = not AUTHORIZATION_DEPENDENCIES.isdisjoint(_dependency_calls(dependant))
        for method in sorted((route.methods or set()) & WRITE_METHODS):
            if not guarded and (method, route.path) not in ANONYMOUS_WRITES:
                found.append(f"{method} {route.path}")
    return found


def test_every_api_write_route_is_authorized(app: FastAPI) -> None:
    assert unguarded_writes(app) == []


def test_the_write_route_check_spots_an_unguarded_route() -> None:
    router = APIRouter(prefix="/api/v1")

    @router.post("/open")
    def open_door(_caller: CallerDep) -> None:
        """Authenticates but authorizes nothing."""

    @router.delete("/guarded")
    def guarded_door(_admin: AdminDep) -> None:
        """Authorized through AdminDep."""

    app = FastAPI()
    app.include_router(router)
    assert unguarded_writes(app) == ["POST /api/v1/open"]


# The agency dependencies on their own, through a probe app sharing the test database: one
# row per (route, target agency), one expected status per caller.
probe_router = APIRouter(prefix="/probe")


@probe_router.post("/{code}/write")
def probe_write(access: AgencyWriteDep) -> str:
    return access.agency.code


@probe_router.get("/{code}/read")
def probe_read(access: AgencyReadDep) -> bool:
    return access.may_see_unpublished


@pytest.fixture
def probe(app: FastAPI, clean_db: Engine) -> TestClient:
    probe_app = FastAPI()
    install_error_handlers(probe_app)
    for name in ("engine", "admin_token", "key_secret"):
        setattr(probe_app.state, name, getattr(app.state, name))
    probe_app.include_router(probe_router)
    # No lifespan: the engine belongs to the session's app.
    return TestClient(probe_app)


PROBE_CASES = [
    Case("POST", "/probe/{own}/write", None, (401, 401, 401, 200, 200, 403, 403, 200)),
    Case("POST", "/probe/{child}/write", None, (401, 401, 401, 200, 200, 200, 403, 200)),
    Case("POST", "/probe/{parent}/write", None, (401, 401, 401, 403, 200, 403, 403, 200)),
    Case("POST", "/probe/999999/write", None, (401, 401, 401, 404, 404, 404, 404, 404)),
    Case("GET", "/probe/{own}/read", None, (200, 401, 401, 200, 200, 200, 200, 200)),
    Case("GET", "/probe/999999/read", None, (404, 401, 401, 404, 404, 404, 404, 404)),
]


@pytest.mark.parametrize(
    ("case", "caller", "status"),
    [
        pytest.param(case, caller, status, id=f"{case.method} {case.path} as {caller}")
        for case in PROBE_CASES
        for caller, status in zip(CALLERS, case.expected, strict=True)
    ],
)
def test_agency_dependency_answers_caller_with_status(
    probe: TestClient, world: World, case: Case, caller: str, status: int
) -> None:
    token = world.tokens[caller]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = probe.request(case.method, _filled(case.path, world.values), headers=headers)
    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("caller", "may_see_unpublished"),
    [
        ("anonymous", False),
        ("own", True),
        ("parent", True),
        ("child", False),
        ("sibling", False),
        ("admin", True),
    ],
)
def test_unpublished_data_is_for_the_agency_those_above_it_and_the_administrator(
    probe: TestClient, world: World, caller: str, may_see_unpublished: bool
) -> None:
    token = world.tokens[caller]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = probe.get(f"/probe/{world.values['own']}/read", headers=headers)
    assert response.json() is may_see_unpublished
