"""The agency routes parse JSON as strictly as the report routes, after checking the token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies.models import Agency
from tests.factories import bearer, issue_key, make_agency

JSON = {"content-type": "application/json"}

DEEP = b'{"code": "640181", "name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

BAD_BODIES = [
    pytest.param(
        b'{"code": "640181", "code": "640182", "name": "x"}',
        "duplicate key 'code'",
        id="duplicate-key",
    ),
    pytest.param(
        '\ufeff{"code": "640181", "name": "灵武市"}'.encode(),
        "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)",
        id="bom",
    ),
    pytest.param(DEEP, "the body is nested deeper than 32 levels", id="deep"),
]


@pytest.fixture
def city(session: Session) -> Agency:
    return make_agency(session, "640100", name="银川市人民政府")


def _problem(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(("raw", "message"), BAD_BODIES)
def test_a_bad_body_on_create_is_a_422_naming_the_problem(
    client: TestClient, admin_headers: dict[str, str], raw: bytes, message: str
) -> None:
    response = client.post("/api/v1/agencies", content=raw, headers={**admin_headers, **JSON})

    assert response.status_code == 422
    body = _problem(response)
    assert body["code"] == "schema_invalid"
    assert body["errors"] == [{"pointer": "", "message": message}]


@pytest.mark.parametrize(("raw", "message"), BAD_BODIES)
def test_a_bad_body_on_update_and_on_a_key_is_a_422(
    client: TestClient, admin_headers: dict[str, str], city: Agency, raw: bytes, message: str
) -> None:
    headers = {**admin_headers, **JSON}
    for method, url in [
        ("PATCH", "/api/v1/agencies/640100"),
        ("POST", "/api/v1/agencies/640100/keys"),
    ]:
        response = client.request(method, url, content=raw, headers=headers)

        assert response.status_code == 422, (method, url)
        assert _problem(response)["errors"] == [{"pointer": "", "message": message}]


@pytest.mark.parametrize(("raw", "_message"), BAD_BODIES)
def test_a_bad_body_without_a_token_is_401_and_with_an_agency_key_403(
    client: TestClient, session: Session, city: Agency, raw: bytes, _message: str
) -> None:
    anonymous = client.post("/api/v1/agencies", content=raw, headers=JSON)
    key = issue_key(session, city)
    with_key = client.patch("/api/v1/agencies/640100", content=raw, headers={**bearer(key), **JSON})

    assert anonymous.status_code == 401
    assert _problem(anonymous)["code"] == "unauthorized"
    assert with_key.status_code == 403
    assert _problem(with_key)["code"] == "forbidden"


def test_a_wrong_field_is_named_by_its_pointer(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    raw = json.dumps({"code": "640181", "name": "灵武市", "kind": "planet", "extra": 1})
    response = client.post("/api/v1/agencies", content=raw, headers={**admin_headers, **JSON})

    assert response.status_code == 422
    pointers = [error["pointer"] for error in _problem(response)["errors"]]
    assert pointers == ["/kind", "/extra"]


def test_a_body_that_is_not_json_content_is_a_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/agencies",
        content=b'{"code": "640181", "name": "x"}',
        headers={**admin_headers, "content-type": "text/plain"},
    )

    assert response.status_code == 422
    assert _problem(response)["detail"] == "Content-Type must be application/json"


def test_good_bodies_still_work_and_a_key_needs_no_body(
    client: TestClient, admin_headers: dict[str, str], city: Agency
) -> None:
    created = client.post(
        "/api/v1/agencies",
        json={"code": "640181", "name": " 灵武市 ", "parent_code": "640100", "kind": "county"},
        headers=admin_headers,
    )
    renamed = client.patch(
        "/api/v1/agencies/640181", json={"name": "灵武市人民政府"}, headers=admin_headers
    )
    bare_key = client.post("/api/v1/agencies/640181/keys", headers=admin_headers)
    labelled = client.post(
        "/api/v1/agencies/640181/keys", json={"label": "办公室"}, headers=admin_headers
    )

    assert created.status_code == 201, created.text
    assert (created.json()["name"], created.json()["parent"]["code"]) == ("灵武市", "640100")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "灵武市人民政府"
    assert (bare_key.status_code, bare_key.json()["label"]) == (201, None)
    assert (labelled.status_code, labelled.json()["label"]) == (201, "办公室")


def test_the_openapi_document_describes_the_agency_bodies_and_their_422(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]

    for method, path, model, required in [
        ("post", "/api/v1/agencies", "AgencyCreate", True),
        ("patch", "/api/v1/agencies/{code}", "AgencyUpdate", True),
        ("post", "/api/v1/agencies/{code}/keys", "KeyCreate", False),
    ]:
        operation = spec["paths"][path][method]
        body = operation["requestBody"]
        assert body["required"] is required
        ref = body["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{model}"
        assert "422" in operation["responses"]
        assert "400" not in operation["responses"]
    assert sorted(schemas["AgencyCreate"]["required"]) == ["code", "name"]
    assert schemas["AgencyCreate"]["additionalProperties"] is False
    assert "AgencyKind" in schemas
    refs = [part for part in json.dumps(spec).split('"') if part.startswith("#/components/")]
    components = spec["components"]
    missing = {
        ref for ref in refs if ref.split("/")[3] not in components.get(ref.split("/")[2], {})
    }
    assert missing == set()
