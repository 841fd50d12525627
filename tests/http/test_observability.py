from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient


def test_request_id_is_generated_and_echoed(client: TestClient) -> None:
    response = client.get("/healthz")
    assert len(response.headers["x-request-id"]) == 32


def test_callers_request_id_is_kept(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "portal-7f3a"})
    assert response.headers["x-request-id"] == "portal-7f3a"


def test_unsafe_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "a b\tc" + "x" * 100})
    assert response.headers["x-request-id"] != "a b\tc" + "x" * 100
    assert len(response.headers["x-request-id"]) == 32


def test_access_log_line_carries_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    records = [r for r in caplog.records if r.name == "app.access"]
    assert [(r.getMessage(), r.status, r.request_id) for r in records] == [  # type: ignore[attr-defined]
        ("GET /healthz 200", 200, "trace-42")
    ]


def _healthz_count(client: TestClient) -> float:
    text = client.get("/metrics").text
    for line in text.splitlines():
        if (
            line.startswith("disclosure_http_requests_total{")
            and 'route="/healthz"' in line
            and 'status="200"' in line
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    before = _healthz_count(client)
    client.get("/healthz")
    client.get("/healthz")
    assert _healthz_count(client) - before == 2
    text = client.get("/metrics").text
    bucket = 'le="0.005",method="GET",route="/healthz"'
    assert f"disclosure_http_request_duration_seconds_bucket{{{bucket}}}" in text
