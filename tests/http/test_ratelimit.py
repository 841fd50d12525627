from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from sqlmodel import Session
from starlette.testclient import TestClient

from app.http import ratelimit
from app.http.ratelimit import TokenBuckets
from app.main import create_app
from tests.conftest import make_settings
from tests.factories import issue_key, make_agency


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


def test_made_up_tokens_are_throttled_per_address(database_url: str) -> None:
    app = create_app(
        make_settings(database_url, rate_limit_per_minute=100, failed_auth_per_minute=5)
    )
    with TestClient(app) as client:
        statuses = [
            client.get(
                "/api/v1/formats", headers={"Authorization": f"Bearer made-up-{n}"}
            ).status_code
            for n in range(8)
        ]
    app.state.engine.dispose()
    assert statuses == [401] * 5 + [429] * 3


def test_a_key_has_one_bucket_however_the_header_is_spelled(
    database_url: str, clean_db: object
) -> None:
    app = create_app(make_settings(database_url, rate_limit_per_minute=3))
    with TestClient(app) as client, Session(app.state.engine) as session:
        token = issue_key(session, make_agency(session, "640181"))
        spellings = [f"Bearer {token}", f"bearer {token}", f"BEARER {token}", f"Bearer {token}"]
        statuses = [
            client.get("/api/v1/formats", headers={"Authorization": spelling}).status_code
            for spelling in spellings
        ]
    app.state.engine.dispose()
    assert statuses == [200, 200, 200, 429]


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(database_url: str) -> None:
    settings = make_settings(
        database_url, rate_limit_per_minute=100, trusted_proxies="10.0.0.0/8, 192.0.2.1"
    )
    app = create_app(settings)
    limits = app.state.rate_limits
    app.state.engine.dispose()
    forwarded = [(b"x-forwarded-for", b"198.51.100.7, 192.0.2.1")]

    # Through two trusted proxies: the right-most address no proxy of ours wrote.
    assert limits.client_address({"client": ("10.0.0.1", 1), "headers": forwarded}) == (
        "198.51.100.7"
    )
    # From anywhere else the header is anyone's to write: the peer is the caller.
    assert limits.client_address({"client": ("203.0.113.9", 1), "headers": forwarded}) == (
        "203.0.113.9"
    )


def test_newcomers_cannot_evict_a_throttled_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_TRACKED_CALLERS", 3)
    buckets = TokenBuckets(per_minute=60, burst=1)
    assert buckets.take("throttled", now=0.0) == 0
    assert buckets.take("busy-1", now=0.0) == 0
    assert buckets.take("busy-2", now=0.0) == 0

    assert buckets.take("newcomer", now=0.1) > 0  # every bucket in use: the newcomer waits
    assert buckets.take("throttled", now=0.2) == pytest.approx(0.8)  # still throttled


REDIS = "redis://127.0.0.1:6379/15"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_reachable(),
    reason="no Redis on 127.0.0.1:6379 (.ci/run starts one; CI never skips this)",
)
def test_limits_hold_across_replicas_in_redis(database_url: str) -> None:
    storage = REDIS
    settings = make_settings(database_url, rate_limit_per_minute=3, rate_limit_storage=storage)
    replicas = [create_app(settings), create_app(settings)]
    RedisWindowsCleaner(storage).clear()
    statuses = []
    with TestClient(replicas[0]) as first, TestClient(replicas[1]) as second:
        for client in (first, second, first, second):
            statuses.append(client.get("/api/v1/formats").status_code)
    for replica in replicas:
        replica.state.engine.dispose()
    RedisWindowsCleaner(storage).clear()
    assert statuses == [200, 200, 200, 429]


class RedisWindowsCleaner:
    def __init__(self, uri: str) -> None:
        self.client = redis.Redis.from_url(uri)

    def clear(self) -> None:
        for key in self.client.scan_iter(f"*{ratelimit.KEY_PREFIX}*"):
            self.client.delete(key)
