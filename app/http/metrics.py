"""Prometheus metrics for operators: request counts and latency by route template.

With several worker processes (``python -m app serve --workers n``) the entry point sets
``PROMETHEUS_MULTIPROC_DIR`` before any worker starts: prometheus_client then keeps every
worker's values in files there, and ``/metrics`` — whichever worker answers — sums them all.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
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


def _multiprocess_directory() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    if _multiprocess_directory() is None:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    every_worker = CollectorRegistry()
    multiprocess.MultiProcessCollector(every_worker)  # type: ignore[no-untyped-call]
    return Response(generate_latest(every_worker), media_type=CONTENT_TYPE_LATEST)


def worker_exiting() -> None:
    """A worker's last act: its live gauges leave the sums (counters stay counted)."""
    if _multiprocess_directory() is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
