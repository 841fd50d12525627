"""The OpenAPI document as a product: names, titles, bounds, headers and examples that a
generated client can rely on, checked against what the service really answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import Session
from starlette.testclient import TestClient

from app.formats.values import COUNT_LIMIT
from tests.factories import bearer, issue_key, make_agency
from tests.reports.helpers import seed_report

SEED_PATH = "/api/v1/agencies/640181-baitugang/reports/2020"


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


def operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for path_item in document["paths"].values():
        for candidate in path_item.values():
            if candidate["operationId"] == operation_id:
                found: dict[str, Any] = candidate
                return found
    raise AssertionError(f"no operation {operation_id}")


def test_operation_ids_are_the_route_names(app: FastAPI, document: dict[str, Any]) -> None:
    by_path = {
        (method, path): op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
    }
    routes = {
        (method.lower(), route.path): route.name
        for route in iter_route_contexts(app.routes)
        if isinstance(route.route, APIRoute) and route.route.include_in_schema
        for method in route.methods or ()
    }
    assert by_path == routes
    assert by_path[("put", "/api/v1/agencies/{code}/reports/{year}")] == "put_report"
    assert by_path[("get", "/api/v1/agencies/{code}/reports/{year}/sections/{section}")] == (
        "get_section"
    )
    assert len(set(by_path.values())) == len(by_path)


def test_every_component_is_titled_by_its_name(document: dict[str, Any]) -> None:
    mistitled = {
        name: component.get("title")
        for name, component in document["components"]["schemas"].items()
        if component.get("title", name) != name
    }
    assert mistitled == {}
    assert document["components"]["schemas"]["Report2019Input"]["title"] == "Report2019Input"


def _bounds(node: Any) -> list[Any]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in {"minimum", "maximum"}]
        return found + [b for v in node.values() for b in _bounds(v)]
    if isinstance(node, list):
        return [b for item in node for b in _bounds(item)]
    return []


def test_integer_bounds_are_integers(document: dict[str, Any]) -> None:
    bounds = _bounds(document)

    assert [b for b in bounds if isinstance(b, float)] == []
    row = document["components"]["schemas"]["Applications2019Row"]
    assert row["properties"]["natural_person"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": COUNT_LIMIT,
    }


def test_tags_servers_licence_and_contact_are_described(document: dict[str, Any]) -> None:
    described = {tag["name"] for tag in document["tags"] if tag["description"]}
    operations = [op for item in document["paths"].values() for op in item.values()]
    used = {tag for op in operations for tag in op["tags"]}

    assert used <= described
    assert document["servers"][0]["url"] == "/"
    assert document["info"]["license"]["name"].startswith("Public government information")
    assert "SECURITY.md" in document["info"]["contact"]["name"]


def _headers(document: dict[str, Any], operation_id: str, status: str) -> set[str]:
    return set(operation(document, operation_id)["responses"][status]["headers"])


def test_response_headers_are_declared_where_they_are_sent(
    client: TestClient, session: Session, document: dict[str, Any]
) -> None:
    township = make_agency(session, "640181-baitugang")
    put = client.put(SEED_PATH, json=seed_report(), headers=bearer(issue_key(session, township)))
    export = client.get("/api/v1/export.csv?year=2020")

    assert _headers(document, "put_report", "201") == {"ETag", "Location", "X-Request-ID"}
    assert all(name in put.headers for name in ("ETag", "Location", "X-Request-ID"))
    assert _headers(document, "get_export", "200") == {
        "ETag",
        "Content-Disposition",
        "X-Request-ID",
    }
    assert all(name in export.headers for name in ("ETag", "Content-Disposition", "X-Request-ID"))
    assert _headers(document, "get_report", "429") == {"Retry-After", "X-Request-ID"}
    assert _headers(document, "get_report", "304") == {"ETag", "X-Request-ID"}


def test_examples_are_what_the_service_answers_for_the_seed(
    client: TestClient, session: Session, document: dict[str, Any]
) -> None:
    township = make_agency(session, "640181-baitugang")
    put = client.put(SEED_PATH, json=seed_report(), headers=bearer(issue_key(session, township)))
    section = client.get(f"{SEED_PATH}/sections/applications")

    content = operation(document, "get_section")["responses"]["200"]["content"]
    assert content["application/json"]["examples"]["applications2019"]["value"] == section.json()
    stored = operation(document, "put_report")["responses"]["201"]["content"]
    example = dict(stored["application/json"]["examples"]["format2019"]["value"])
    answered = put.json()
    for varying in ("written_by", "written_at"):
        example.pop(varying), answered.pop(varying)
    assert example == answered
