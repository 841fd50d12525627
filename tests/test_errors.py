"""Every error is RFC 9457 problem+json, FastAPI's own validation errors and crashes included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field
from starlette.testclient import TestClient

from app.errors import ConflictError
from app.main import create_app
from tests.conftest import make_settings


class Payload(BaseModel):
    name: str
    counts: list[int] = Field(default_factory=list)


@pytest.fixture
def crashy_client(database_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url, max_body_bytes=1000))
    _add_test_routes(app)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def _add_test_routes(app: FastAPI) -> None:
    @app.post("/test/echo")
    def echo(payload: Payload, limit: int = 10) -> Payload:
        return payload

    @app.get("/test/conflict")
    def conflict() -> None:
        raise ConflictError("agency 640181 exists")

    @app.get("/test/crash")
    def crash() -> None:
        raise RuntimeError("secret internals: password=hunter2")


def test_domain_error_is_problem_json(crashy_client: TestClient) -> None:
    response = crashy_client.get("/test/conflict")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {k: body[k] for k in ("type", "title", "status", "detail", "code")} == {
        "type": "https://disclosure.example.gov.cn/problems/conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "agency 640181 exists",
        "code": "conflict",
    }
    assert body["request_id"] == response.headers["x-request-id"]


def test_validation_errors_point_at_each_bad_field(crashy_client: TestClient) -> None:
    response = crashy_client.post("/test/echo?limit=abc", json={"counts": [1, "x"], "extra": 1})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    pointers = sorted(error["pointer"] for error in response.json()["errors"])
    assert pointers == ["#/query/limit", "/counts/1", "/name"]


def test_invalid_json_is_422_problem(crashy_client: TestClient) -> None:
    response = crashy_client.post(
        "/test/echo", content=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "schema_invalid"


def test_unknown_path_is_problem_json(crashy_client: TestClient) -> None:
    response = crashy_client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_crash_is_500_without_internals(crashy_client: TestClient) -> None:
    response = crashy_client.get("/test/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["code"] == "internal_error"


def test_body_over_limit_is_413_before_parsing(crashy_client: TestClient) -> None:
    response = crashy_client.post(
        "/test/echo",
        content=b'{"name": "' + b"x" * 2000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "the request body is larger than 1000 bytes"


def test_chunked_body_over_limit_is_413(crashy_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = crashy_client.post(
        "/test/echo", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_crash_carries_its_request_id(crashy_client: TestClient) -> None:
    response = crashy_client.get("/test/crash", headers={"X-Request-ID": "crash-1"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "crash-1"
    assert response.json()["request_id"] == "crash-1"
    assert "hunter2" not in response.text


def test_a_forged_host_is_never_redirected_to(crashy_client: TestClient) -> None:
    response = crashy_client.get(
        "/api/v1/formats/", headers={"Host": "evil.example"}, follow_redirects=False
    )

    assert response.status_code == 404
    assert "location" not in response.headers
