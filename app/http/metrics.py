"""Prometheus metrics for operators: request counts and latency by route template."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

registry = CollectorRegistry()
REQUESTS = Counter(
    "disclosure_http_requests_total",
    "HTTP requests by method, route template and status.",
    ["method", "route", "status"],
    registry=registry,
)
LATENCY = Histogram(
    "disclosure_http_request_duration_seconds",
    "HTTP request latency by route template.",
    ["method", "route"],
    registry=registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def record(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request and its latency (app.http.edge calls it as the request ends)."""
    LATENCY.labels(method, route).observe(seconds)
    REQUESTS.labels(method, route, str(status)).inc()


router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
