from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.http.ratelimit import TokenBuckets
from app.main import create_app
from tests.conftest import make_settings


@pytest.fixture
def limited_client(database_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url, rate_limit_per_minute=3))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_caller_over_the_limit_gets_429_with_retry_after(limited_client: TestClient) -> None:
    statuses = [limited_client.get("/api/v1/formats").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited_client.get("/api/v1/formats")
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "20"


def test_each_token_has_its_own_bucket(limited_client: TestClient) -> None:
    for _ in range(3):
        limited_client.get("/api/v1/formats")
    other = limited_client.get("/api/v1/formats", headers={"Authorization": "Bearer other"})
    assert other.status_code != 429


def test_health_probes_are_never_limited(limited_client: TestClient) -> None:
    assert {limited_client.get("/healthz").status_code for _ in range(10)} == {200}


def test_bucket_refills_at_the_configured_rate() -> None:
    buckets = TokenBuckets(per_minute=60, burst=1)
    assert buckets.take("a", now=0.0) == 0
    assert buckets.take("a", now=0.5) == pytest.approx(0.5)
    assert buckets.take("a", now=1.6) == 0
