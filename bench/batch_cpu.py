"""Server CPU per report of `POST /api/v1/reports/batch`, in process, and where it goes.

The same SQLite setup as bench/put_cpu.py (a generated hierarchy, its agencies registered),
then every generated report posted through the batch endpoint, ``--batch-size`` a request,
one request at a time; each request is timed with ``time.process_time`` around the ASGI app
(so the client's encoding and decoding are left out). With ``--profile``, the cProfile of
those requests.

    uv run python -m bench.batch_cpu                      # 4,000 reports, 500 a request
    uv run python -m bench.batch_cpu --profile --sort tottime
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
from pathlib import Path

import httpx

from bench.batch_load import batches, encode_batch
from bench.put_cpu import ADMIN_TOKEN, Timed, _run_sync_work_inline, build_app, register


async def run(args: argparse.Namespace) -> None:
    from app.ops.migrate import upgrade

    scratch = Path(tempfile.mkdtemp(prefix="batch-cpu-"))
    url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    upgrade(url)
    app = build_app(url, tune_gc=not args.default_gc)
    reports = register(app, args.reports)
    bodies = [encode_batch(chunk) for chunk in batches(reports, args.batch_size)]
    if args.profile:
        _run_sync_work_inline()
    timed = Timed(app)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    profiler = cProfile.Profile() if args.profile else None
    transport = httpx.ASGITransport(app=timed)
    stored = 0
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for body in bodies:
            if profiler:
                profiler.enable()
            response = await client.post("/api/v1/reports/batch", content=body, headers=headers)
            if profiler:
                profiler.disable()
            assert response.status_code == 200, response.text[:500]
            answers = response.json()["items"]
            stored += sum(answer["status"] in (200, 201) for answer in answers)
    app.state.engine.dispose()

    cpu = sum(timed.samples)
    print(f"batch of {args.batch_size} (SQLite), {stored:,} of {len(reports):,} reports stored")
    print(
        f"server CPU per report: {1000 * cpu / max(1, stored):.3f} ms "
        f"({stored / cpu:,.0f} reports per CPU second)"
    )
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
        stats.print_stats(args.only, args.top)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=4000, help="reports generated")
    parser.add_argument("--batch-size", type=int, default=500, help="items per request")
    parser.add_argument("--profile", action="store_true", help="cProfile the requests")
    parser.add_argument("--default-gc", action="store_true", help="leave the collector as is")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--only", default="", help="list only functions whose path matches")
    parser.add_argument("--top", type=int, default=60, help="functions listed")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
