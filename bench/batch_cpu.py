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

import httpx

from bench.batch_load import batches, encode_batch
from bench.put_cpu import (
    ADMIN_TOKEN,
    Timed,
    _run_sync_work_inline,
    add_profile_options,
    print_profile,
    scratch_app,
)


async def run(args: argparse.Namespace) -> None:
    app, reports = scratch_app(args, prefix="batch-cpu-")
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
        print_profile(profiler, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=4000, help="reports generated")
    parser.add_argument("--batch-size", type=int, default=500, help="items per request")
    add_profile_options(parser)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
