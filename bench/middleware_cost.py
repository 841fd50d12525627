"""What each middleware and the dependency graph cost the section GET, measured in process.

    uv run python -m bench.middleware_cost [--requests 4000] [--rounds 5]

The service is built by ``create_app`` on a throw-away SQLite file with one published report
(the generator's, 6–7 KB) and its applications section is requested again and again straight
through the ASGI callable — no socket, no HTTP parser, no client — so the figure is the
Python work per request: the middlewares, FastAPI's routing and dependency solving, the
thread-pool hop of the sync route, the head query and the cached body. Variants take one
middleware out of ``app.user_middleware`` at a time (and all of them together); the ceiling is
a no-work route in the same app (``/healthz`` — its own middlewares included). The time spent
in FastAPI's ``solve_dependencies`` is measured by wrapping it.

Rounds alternate between variants and the best round of each is kept: on a shared machine
the slowest rounds measure the neighbours. The rate limit is on (a large limit), as in
production; ``--no-rate-limit`` measures the benchmark's setup (bench/server.py turns it off).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fastapi.routing
from fastapi import FastAPI
from starlette.middleware import Middleware

from app.config import Settings
from app.main import create_app
from bench.generator import YEAR_NEW, build_hierarchy, encode, report_body

SEED = 20_260_101
_solve_seconds = 0.0


def _timed_solve() -> None:
    """Wrap FastAPI's dependency solver so the seconds it takes are summed."""
    original = fastapi.routing.solve_dependencies

    async def solve(*args: Any, **kwargs: Any) -> Any:
        global _solve_seconds
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            _solve_seconds += time.perf_counter() - started

    fastapi.routing.solve_dependencies = solve  # type: ignore[assignment]


async def call(
    app: Callable[..., Awaitable[None]],
    method: str,
    path: str,
    *,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
) -> int:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # the client never disconnects during a request
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def build(database_url: str, token: str, rate_limit: bool) -> tuple[FastAPI, str]:
    settings = Settings(
        database_url=database_url,
        admin_token=token,  # type: ignore[arg-type]
        key_secret=secrets.token_urlsafe(32),  # type: ignore[arg-type]
        sample_data=False,
        log_level="WARNING",
        rate_limit_per_minute=10**9 if rate_limit else 0,
    )
    return create_app(settings), settings.database_url


def seed(app: FastAPI, token: str) -> str:
    """One agency with a published report; returns its section's path."""
    from sqlmodel import Session

    from app.agencies.schemas import AgencyCreate
    from app.agencies.service import create_agencies

    agency = next(a for a in build_hierarchy(10).agencies if a.parent_code is None)
    with Session(app.state.engine) as session:
        create_agencies(
            session,
            agencies=[AgencyCreate(code=agency.code, name=agency.name, kind=agency.kind)],
        )
    path = f"/api/v1/agencies/{agency.code}/reports/{YEAR_NEW}"
    body = encode(report_body(agency, YEAR_NEW, SEED))
    headers = [
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
    ]
    status = asyncio.run(call(app, "PUT", path, headers=headers, body=body))
    if status not in (200, 201):
        raise RuntimeError(f"seeding the report failed: {status}")
    return f"{path}/sections/applications"


def variants(app: FastAPI) -> dict[str, list[Any]]:
    stack = list(app.user_middleware)
    named = {"as is": stack, "no middleware": []}
    for middleware in stack:
        name = getattr(middleware.cls, "__name__", str(middleware.cls))
        named[f"without {name}"] = [m for m in stack if m is not middleware]
        if middleware.kwargs.get("rate_limits") is not None:
            unlimited = Middleware(
                middleware.cls, *middleware.args, **{**middleware.kwargs, "rate_limits": None}
            )
            named[f"{name} without its rate limit"] = [
                unlimited if m is middleware else m for m in stack
            ]
    return named


async def cpu_per_request(
    app: FastAPI, path: str, requests: int, headers: list[tuple[bytes, bytes]]
) -> float:
    """CPU seconds of this process (every thread: the pool's too) per request. CPU, not wall
    time: on a shared machine the neighbours take wall time, not this process's CPU."""
    global _solve_seconds
    for _ in range(50):  # warm: the section cache, the statement cache, the pool
        await call(app, "GET", path, headers=headers)
    _solve_seconds = 0.0
    started = time.process_time()
    for _ in range(requests):
        status = await call(app, "GET", path, headers=headers)
        if status not in (200, 304):
            raise RuntimeError(f"GET {path}: {status}")
    return (time.process_time() - started) / requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-rate-limit", action="store_true")
    args = parser.parse_args(argv)
    _timed_solve()
    token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="bench-middleware-") as directory:
        from app.ops.migrate import upgrade

        url = f"sqlite:///{directory}/bench.sqlite3"
        upgrade(url)
        app, _ = build(url, token, rate_limit=not args.no_rate_limit)
        section = seed(app, token)
        figures = measure(app, section, args)
        app.state.engine.dispose()
    report(figures, args)
    return 0


def measure(app: FastAPI, section: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    cases: list[tuple[str, list[Any], str, list[tuple[bytes, bytes]]]] = []
    for name, stack in variants(app).items():
        cases.append((name, stack, section, []))
    stack = list(app.user_middleware)
    cases.append(("as is, If-None-Match (304)", stack, section, [(b"if-none-match", b"*")]))
    cases.append(("ceiling: GET /healthz, as is", stack, "/healthz", []))
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for name, middleware, path, headers in cases:
            app.user_middleware = middleware
            app.middleware_stack = None  # rebuilt on the next call
            cpu = asyncio.run(cpu_per_request(app, path, args.requests, headers))
            solve_us = 1e6 * _solve_seconds / args.requests
            if cpu < best.get(name, {}).get("cpu_s", float("inf")):
                best[name] = {"cpu_s": cpu, "solve_us": solve_us}
    app.user_middleware = stack
    app.middleware_stack = None
    return best


def report(figures: dict[str, dict[str, float]], args: argparse.Namespace) -> None:
    base_us = 1e6 * figures["as is"]["cpu_s"]
    limit = "off" if args.no_rate_limit else "on"
    print(f"section GET in process, best of {args.rounds} × {args.requests} (rate limit {limit})")
    print("req/s = what one core would serve at this CPU cost; deps = FastAPI's solve_dependencies")
    print(f"{'variant':<44} {'req/s':>8} {'CPU µs':>8} {'Δ µs':>7} {'deps µs':>8}")
    for name, figure in figures.items():
        us = 1e6 * figure["cpu_s"]
        print(
            f"{name:<44} {1e6 / us:>8.0f} {us:>8.1f} {us - base_us:>+7.1f} "
            f"{figure['solve_us']:>8.1f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
