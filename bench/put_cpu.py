"""Server CPU of one full PUT, in process: no HTTP server, no client in the figure.

A temporary SQLite database gets a small generated hierarchy and its reports (2020 first, so
a 2021 write runs the cross-year rules); then the published 2021 report of ``--agencies``
agencies is PUT again, one request at a time, ``-n`` times in turn. Each request is timed with
``time.process_time`` around the ASGI app itself (inside httpx's ASGITransport, so the
client's work is left out), and the SQL statements it ran are counted on the engine.

    uv run python -m bench.put_cpu            # N=500, prints the median CPU and statements
    uv run python -m bench.put_cpu --profile  # and the cProfile of those PUTs, top functions
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlmodel import Session

from bench.generator import YEAR_NEW, build_hierarchy, encode, report_body

SEED = 19
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef0123456789"


def build_app(url: str, *, tune_gc: bool = True) -> Any:
    """The app as a server runs it; httpx's ASGITransport runs no lifespan, so the garbage
    collector is tuned here, as the lifespan would (app/ops/gc_tuning.py)."""
    from app.config import Settings
    from app.main import create_app
    from app.ops.gc_tuning import tune_for_serving

    settings = Settings(
        database_url=url,
        admin_token=ADMIN_TOKEN,  # type: ignore[arg-type]
        key_secret="bench-key-secret-0123456789abcdef0123456789",  # type: ignore[arg-type]
        sample_data=False,
        log_level="WARNING",
        rate_limit_per_minute=0,
    )
    app = create_app(settings)
    if tune_gc:
        tune_for_serving()
    return app


def register(app: Any, reports: int) -> list[Any]:
    from app.agencies.schemas import AgencyCreate
    from app.agencies.service import create_agencies

    hierarchy = build_hierarchy(reports)
    with Session(app.state.engine, expire_on_commit=False) as session:
        create_agencies(
            session,
            agencies=[
                AgencyCreate(code=a.code, name=a.name, parent_code=a.parent_code, kind=a.kind)
                for a in hierarchy.agencies
            ],
        )
    return hierarchy.reports()


class Timed:
    """The ASGI app with the process CPU of each request kept."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.process_time()
        await self.app(scope, receive, send)
        self.samples.append(time.process_time() - started)


def _run_sync_work_inline() -> None:
    """cProfile sees one thread: run the thread-pool work (sync endpoints and dependencies)
    on the event loop's thread while profiling."""
    import anyio.to_thread

    async def inline(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]


def scratch_app(args: argparse.Namespace, *, prefix: str) -> tuple[Any, list[Any]]:
    """The app on a migrated SQLite file in a temporary folder, the hierarchy registered;
    returns it and the generated reports (to store)."""
    from app.ops.migrate import upgrade

    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    upgrade(url)
    app = build_app(url, tune_gc=not args.default_gc)
    return app, register(app, args.reports)


async def run(args: argparse.Namespace) -> None:
    app, reports = scratch_app(args, prefix="put-cpu-")
    statements = [0]

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def count(*_: object) -> None:
        statements[0] += 1

    if args.profile:
        _run_sync_work_inline()
    timed = Timed(app)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=timed)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for agency, year in reports:
            response = await client.put(
                f"/api/v1/agencies/{agency.code}/reports/{year}",
                content=encode(report_body(agency, year, SEED)),
                headers=headers,
            )
            assert response.status_code == 201, response.text
        targets = [agency for agency, year in reports if year == YEAR_NEW][: args.agencies]
        with_history = sum(agency.has_old_year for agency in targets)
        bodies = [
            (
                f"/api/v1/agencies/{a.code}/reports/{YEAR_NEW}",
                encode(report_body(a, YEAR_NEW, SEED)),
            )
            for a in targets
        ]
        for path, body in bodies[:20]:  # warm-up: first-use imports and statement caches
            await client.put(path, content=body, headers=headers)
        timed.samples.clear()
        counts = []
        profiler = cProfile.Profile() if args.profile else None
        for index in range(args.n):
            path, body = bodies[index % len(bodies)]
            before = statements[0]
            if profiler:
                profiler.enable()
            response = await client.put(path, content=body, headers=headers)
            if profiler:
                profiler.disable()
            assert response.status_code == 200, response.text
            counts.append(statements[0] - before)
    app.state.engine.dispose()

    samples = sorted(timed.samples)
    print(
        f"PUT of a published {YEAR_NEW} report (SQLite, {len(targets)} agencies, "
        f"{with_history} with a 2020 report), N={len(samples)}"
    )
    print(
        f"server CPU per PUT: median {1000 * statistics.median(samples):.3f} ms, "
        f"p10 {1000 * samples[len(samples) // 10]:.3f} ms, "
        f"p90 {1000 * samples[len(samples) * 9 // 10]:.3f} ms"
    )
    print(
        f"SQL statements per PUT: median {statistics.median(counts):g} "
        f"(min {min(counts)}, max {max(counts)})"
    )
    if profiler:
        print_profile(profiler, args)


def add_profile_options(parser: argparse.ArgumentParser) -> None:
    """The options bench/put_cpu.py and bench/batch_cpu.py share."""
    parser.add_argument("--profile", action="store_true", help="cProfile the timed requests")
    parser.add_argument("--default-gc", action="store_true", help="leave the collector as is")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--only", default="", help="list only functions whose path matches")
    parser.add_argument("--top", type=int, default=60, help="functions listed")


def print_profile(profiler: cProfile.Profile, args: argparse.Namespace) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    stats.print_stats(args.only, args.top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="PUTs timed (default 500)")
    parser.add_argument("--reports", type=int, default=600, help="reports loaded first")
    parser.add_argument("--agencies", type=int, default=100, help="agencies PUT in turn")
    add_profile_options(parser)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
