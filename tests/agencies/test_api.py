from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.schemas import AgencyKind
from tests.factories import make_agency

AGENCIES = "/api/v1/agencies"


def _without_timestamps(body: dict[str, Any]) -> dict[str, Any]:
    for key in ("created_at", "updated_at"):
        # Timestamps are UTC with an explicit offset on both databases.
        assert datetime.fromisoformat(body.pop(key)).utcoffset() is not None
    return body


def _create(client: TestClient, admin_headers: dict[str, str], **body: Any) -> Any:
    return client.post(AGENCIES, json=body, headers=admin_headers)


def test_admin_registers_an_agency_under_its_parent(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    make_agency(session, "640100", name="银川市", kind=AgencyKind.CITY)

    response = _create(
        client, admin_headers, code="640181", name=" 灵武市 ", parent_code="640100", kind="county"
    )

    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/agencies/640181"
    assert _without_timestamps(response.json()) == {
        "code": "640181",
        "name": "灵武市",
        "kind": "county",
        "parent_code": "640100",
        "depth": 1,
        "parent": {"code": "640100", "name": "银川市"},
        "children": [],
    }
    assert "灵武市" in response.text  # Chinese as is, not \u-escaped


def test_registering_an_existing_code_is_a_conflict(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    make_agency(session, "640181")
    response = _create(client, admin_headers, code="640181", name="灵武市")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "agency 640181 already exists"


def test_unknown_parent_is_a_schema_error_at_parent_code(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = _create(client, admin_headers, code="640181", name="灵武市", parent_code="640100")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/parent_code", "message": "unknown agency 640100"}
    ]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"code": "640 181", "name": "灵武市"}, "/code"),
        ({"code": "x" * 65, "name": "灵武市"}, "/code"),
        ({"code": "640181", "name": "   "}, "/name"),
        ({"code": "640181", "name": "灵" * 201}, "/name"),
        ({"code": "640181", "name": "灵武市", "kind": "village"}, "/kind"),
        ({"code": "640181", "name": "灵武市", "parentcode": "640100"}, "/parentcode"),
        ({"name": "灵武市"}, "/code"),
    ],
)
def test_invalid_agency_fields_are_schema_errors(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], pointer: str
) -> None:
    response = client.post(AGENCIES, json=body, headers=admin_headers)
    assert response.status_code == 422
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]


@pytest.fixture
def ningxia(session: Session) -> None:
    """宁夏回族自治区 → 银川市 → 灵武市 → 白土岗乡人民政府, and 石嘴山市; one more root."""
    region = make_agency(session, "640000", name="宁夏回族自治区", kind=AgencyKind.PROVINCE)
    city = make_agency(session, "640100", name="银川市", parent=region, kind=AgencyKind.CITY)
    county = make_agency(session, "640181", name="灵武市", parent=city, kind=AgencyKind.COUNTY)
    make_agency(
        session, "640181201", name="白土岗乡人民政府", parent=county, kind=AgencyKind.TOWNSHIP
    )
    make_agency(session, "640200", name="石嘴山市", parent=region, kind=AgencyKind.CITY)
    make_agency(session, "650000", name="新疆维吾尔自治区", kind=AgencyKind.PROVINCE)


def _page(client: TestClient, query: str) -> tuple[list[str], int, int, int]:
    response = client.get(f"{AGENCIES}?{query}")
    assert response.status_code == 200
    body = response.json()
    return [item["code"] for item in body["items"]], body["total"], body["limit"], body["offset"]


@pytest.mark.usefixtures("ningxia")
@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("", (["640000", "640100", "640181", "640181201", "640200", "650000"], 6, 100, 0)),
        ("limit=2&offset=1", (["640100", "640181"], 6, 2, 1)),
        ("offset=6", ([], 6, 100, 6)),
        ("root=true", (["640000", "650000"], 2, 100, 0)),
        ("parent=640000", (["640100", "640200"], 2, 100, 0)),
        ("under=640100", (["640181", "640181201"], 2, 100, 0)),
        ("under=640000&parent=640100", (["640181"], 1, 100, 0)),
        ("under=640181201", ([], 0, 100, 0)),
    ],
)
def test_listing_filters_and_pages_by_code(
    client: TestClient, query: str, page: tuple[list[str], int, int, int]
) -> None:
    assert _page(client, query) == page


@pytest.mark.usefixtures("ningxia")
def test_listed_agencies_carry_their_parent_code_and_depth(client: TestClient) -> None:
    item = client.get(f"{AGENCIES}?parent=640181").json()["items"][0]
    assert _without_timestamps(item) == {
        "code": "640181201",
        "name": "白土岗乡人民政府",
        "kind": "township",
        "parent_code": "640181",
        "depth": 3,
    }


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("parent=999999", "#/query/parent"),
        ("under=999999", "#/query/under"),
        ("limit=0", "#/query/limit"),
        ("limit=501", "#/query/limit"),
        ("offset=-1", "#/query/offset"),
    ],
)
def test_bad_listing_parameters_are_schema_errors(
    client: TestClient, query: str, pointer: str
) -> None:
    response = client.get(f"{AGENCIES}?{query}")
    assert response.status_code == 422
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]


@pytest.mark.usefixtures("ningxia")
def test_an_agency_shows_its_parent_and_children(client: TestClient) -> None:
    response = client.get(f"{AGENCIES}/640100")
    assert response.status_code == 200
    assert _without_timestamps(response.json()) == {
        "code": "640100",
        "name": "银川市",
        "kind": "city",
        "parent_code": "640000",
        "depth": 1,
        "parent": {"code": "640000", "name": "宁夏回族自治区"},
        "children": [{"code": "640181", "name": "灵武市", "kind": "county"}],
    }


def test_unknown_agency_is_not_found(client: TestClient) -> None:
    response = client.get(f"{AGENCIES}/640181")
    assert response.status_code == 404
    assert response.json()["detail"] == "unknown agency 640181"


@pytest.mark.usefixtures("ningxia")
def test_patch_renames_and_reclassifies(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.patch(
        f"{AGENCIES}/640181", json={"name": "灵武市人民政府", "kind": None}, headers=admin_headers
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["kind"], body["parent_code"]) == ("灵武市人民政府", None, "640100")


@pytest.mark.usefixtures("ningxia")
def test_patch_moves_an_agency_with_everything_below_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.patch(
        f"{AGENCIES}/640181", json={"parent_code": "640200"}, headers=admin_headers
    )
    assert response.status_code == 200
    assert (response.json()["parent"], response.json()["depth"]) == (
        {"code": "640200", "name": "石嘴山市"},
        2,
    )
    assert _page(client, "under=640200") == (["640181", "640181201"], 2, 100, 0)
    assert _page(client, "under=640100") == ([], 0, 100, 0)


@pytest.mark.usefixtures("ningxia")
def test_patch_with_null_parent_makes_a_root(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.patch(f"{AGENCIES}/640181", json={"parent_code": None}, headers=admin_headers)
    assert (response.json()["parent"], response.json()["depth"]) == (None, 0)
    assert _page(client, "root=true") == (["640000", "640181", "650000"], 3, 100, 0)


@pytest.mark.usefixtures("ningxia")
def test_patch_under_a_descendant_is_a_conflict(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.patch(
        f"{AGENCIES}/640100", json={"parent_code": "640181201"}, headers=admin_headers
    )
    assert response.status_code == 409
    assert _page(client, "under=640100") == (["640181", "640181201"], 2, 100, 0)


@pytest.mark.usefixtures("ningxia")
@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": None}, "/name"),
        ({"parent_code": "999999"}, "/parent_code"),
        ({"code": "640182"}, "/code"),
    ],
)
def test_bad_patches_are_schema_errors(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], pointer: str
) -> None:
    response = client.patch(f"{AGENCIES}/640181", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]
