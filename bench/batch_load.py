"""Bulk loading through `POST /api/v1/reports/batch`: reports per second and server CPU.

The generator's hierarchy and reports (bench/generator.py: every agency's 2021 report, one
agency in four also its 2020 report, all published and balanced) are registered and then
posted, ``--batch-size`` items per request, by ``--clients`` concurrent keep-alive clients,
the 2020 reports first (the 2021 ones are checked against them). The server is the
production command line (bench/server.py), on a temporary SQLite file, or a throw-away
PostgreSQL database with ``--postgres``.

    uv run python -m bench.batch_load --reports 10000
    uv run python -m bench.batch_load --reports 100000 --batch-size 500 --clients 2
    uv run python -m bench.batch_load --reports 10000 --postgres
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from bench.generator import AgencySpec, build_hierarchy, report_body
from bench.load import Client
from bench.run import SEED, register_agencies
from bench.server import Database, app_server, pin_self_to_client_cpus


def batches(
    reports: list[tuple[AgencySpec, int]], size: int
) -> Iterator[list[tuple[AgencySpec, int]]]:
    for start in range(0, len(reports), size):
        yield reports[start : start + size]


def encode_batch(chunk: list[tuple[AgencySpec, int]]) -> bytes:
    items = [
        {"agency_code": agency.code, "year": year, "report": report_body(agency, year, SEED)}
        for agency, year in chunk
    ]
    return json.dumps({"items": items}, ensure_ascii=False, separators=(",", ":")).encode()


def post_all(
    base: str, token: str, bodies: list[bytes], *, clients: int
) -> tuple[float, Counter[int], list[str]]:
    """POST every prepared body with ``clients`` connections; wall seconds and statuses."""
    pending = iter(bodies)
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    def work() -> None:
        client = Client(base, {"Authorization": f"Bearer {token}"})
        try:
            while True:
                with lock:
                    body = next(pending, None)
                if body is None:
                    return
                status, _, data = client.request("POST", "/api/v1/reports/batch", body)
                answers = json.loads(data)["items"] if status == 200 else []
                with lock:
                    if status != 200 and len(failures) < 5:
                        failures.append(f"{status} {data[:300]!r}")
                    statuses.update(answer["status"] for answer in answers)
                    for answer in answers:
                        if answer["status"] not in (200, 201) and len(failures) < 5:
                            failures.append(json.dumps(answer, ensure_ascii=False)[:300])
        finally:
            client.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, statuses, failures


def run(args: argparse.Namespace) -> dict[str, Any]:
    pin_self_to_client_cpus()
    hierarchy = build_hierarchy(args.reports)
    reports = hierarchy.reports()  # the 2020 ones first
    kind = "postgresql" if args.postgres else "sqlite"
    with Database.create(kind, f"batch{args.reports}") as db:
        register_agencies(db, hierarchy)
        print(f"encoding {len(reports):,} reports in batches of {args.batch_size} ...", flush=True)
        bodies = [encode_batch(chunk) for chunk in batches(reports, args.batch_size)]
        token = secrets.token_urlsafe(32)
        with app_server(db, token) as app:
            cpu_before, pg_before = app.cpu_seconds(), db.backend_cpu_seconds()
            seconds, statuses, failures = post_all(app.base, token, bodies, clients=args.clients)
            server_cpu = app.cpu_seconds() - cpu_before
            pg_cpu = db.backend_cpu_seconds() - pg_before
            peak_rss = app.peak_rss_bytes()
    stored = sum(count for status, count in statuses.items() if status in (200, 201))
    result = {
        "database": kind,
        "reports": len(reports),
        "stored": stored,
        "batch_size": args.batch_size,
        "clients": args.clients,
        "seconds": round(seconds, 2),
        "reports_per_s": round(stored / seconds, 1),
        "server_cpu_ms_per_report": round(1000 * server_cpu / max(1, stored), 3),
        "server_cpu_pct": round(100 * server_cpu / seconds, 1),
        "postgres_cpu_pct": round(100 * pg_cpu / seconds, 1),
        "peak_rss_mb": round(peak_rss / 2**20, 1),
        "statuses": dict(sorted(statuses.items())),
    }
    if failures:
        result["failures"] = failures
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500, help="items per request (≤ 500)")
    parser.add_argument("--clients", type=int, default=2, help="concurrent connections")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    result = run(parser.parse_args())
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if result.get("failures"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
