"""Benchmarks at national scale: ``make bench ARGS="--reports 10000"``.

For each database (SQLite, then PostgreSQL) and each scale: a throw-away database is migrated,
the synthetic hierarchy is registered through the service's bulk path (as
``python -m app import-agencies`` does), the service is started as production starts it
(uvicorn, one process) and every report is stored through the batch endpoint, 200 a request,
by three concurrent clients (L1).
Then, beside a ceiling served by the same uvicorn setup (bench/ceiling.py), wrk measures
W1 (PUT of a full published report), R1 (GET of a report's applications section) and R2
(a province's summary: cold after a write, warm, warm with If-None-Match). Results go to
bench/results/ as JSON, a Markdown table and a PNG chart; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report
from bench.generator import (
    YEAR_NEW,
    AgencySpec,
    Hierarchy,
    build_hierarchy,
    encode,
    report_body,
)
from bench.load import (
    Client,
    Request,
    bulk_batch,
    cleanup,
    latency_summary,
    run_wrk,
    write_requests,
    wrk_available,
)
from bench.server import (
    Database,
    Server,
    app_server,
    ceiling_server,
    cpus,
    pin_self_to_client_cpus,
    postgres_available,
)

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 20_260_101
LOAD_CLIENTS = 3  # concurrent batch clients: the server overlaps one's SQL with another's CPU
BATCH_SIZE = 200  # reports per POST /api/v1/reports/batch (at most 500)
CONNECTIONS = 4  # wrk connections for the throughput figures (one wrk thread)
WRITE_SET, READ_SET = 500, 2000  # distinct reports the W1 and R1 requests cycle through
HOT_SET = 50  # R1 hot: a few popular reports, read again and again


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_only:
        report.rerender(RESULTS)
        print((RESULTS / "results.md").read_text())
        return 0
    if not wrk_available():
        print("wrk is not installed: apt-get install -y wrk (Debian's package)", file=sys.stderr)
        return 2
    if "postgresql" in args.databases and not postgres_available():
        print(
            "PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres); "
            "run with --databases sqlite or start it",
            file=sys.stderr,
        )
        return 2
    pin_self_to_client_cpus()
    started = time.perf_counter()
    runs: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    with ceiling_server() as ceiling:
        for kind in args.databases:
            for scale in args.scales:
                log(f"== {kind}, {scale:,} reports")
                run, profile = run_one(kind, scale, args, ceiling)
                runs.append(run)
                if profile:
                    profiles.append(profile)
                report.write(RESULTS, runs, profiles, fresh=args.fresh, machine=machine())
    log(f"done in {time.perf_counter() - started:.0f} s; results in {RESULTS}/")
    print((RESULTS / "results.md").read_text())
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reports",
        type=int,
        default=None,
        help="scale: number of reports loaded (default 10000; 1000 with --quick)",
    )
    parser.add_argument(
        "--scales",
        default=None,
        help="several scales in one run, e.g. 1000,10000,100000 (for the "
        "growth chart); overrides --reports",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default both, in that order)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds per wrk measurement (default 6; 3 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1000 reports, 3 s measurements"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also record W1 and R1 with py-spy at the largest scale (after the timed runs)",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="only rewrite results.md and r2_latency.png from results.json",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="forget earlier results instead of merging into results.json",
    )
    args = parser.parse_args(argv)
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    for name in args.databases:
        if name not in ("sqlite", "postgresql"):
            parser.error(f"unknown database {name!r}")
    if args.scales:
        args.scales = [int(value.replace("_", "")) for value in args.scales.split(",")]
    else:
        args.scales = [args.reports or (1000 if args.quick else 10_000)]
    if any(scale < 100 for scale in args.scales):
        parser.error("a scale is at least 100 reports")
    args.duration = args.duration or (3.0 if args.quick else 6.0)
    return args


def rss_mb(app: Server) -> float:
    """The server's peak RSS so far: read after each phase, it tells which phase set it."""
    return round(app.peak_rss_bytes() / 2**20, 1)


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# One database at one scale


def run_one(
    kind: str, scale: int, args: argparse.Namespace, ceiling: Server
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    begun = time.perf_counter()
    hierarchy = build_hierarchy(scale)
    reports = hierarchy.reports()
    token = secrets.token_urlsafe(32)
    auth = {"Authorization": f"Bearer {token}"}
    run: dict[str, Any] = {
        "database": kind,
        "scale": scale,
        "reports": len(reports),
        "agencies": len(hierarchy.agencies),
        "started_at": now_iso(),
        "duration_s": args.duration,
        "connections": CONNECTIONS,
        "app_version": app_version(),
    }
    profile = None
    with Database.create(kind, str(scale)) as db:
        run["agency_seconds"] = register_agencies(db, hierarchy)
        with app_server(db, token) as app:
            try:
                run["load"] = load_reports(app, db, token, hierarchy)
                peak_rss = run["peak_rss_mb_after"] = {"load": rss_mb(app)}
                db.analyze()
                run["database_mb"] = round(db.size_bytes() / 2**20, 1)
                rng = random.Random(SEED)
                province = hierarchy.provinces[0]
                in_province = hierarchy.in_province(province.province)
                write_set = rng.sample(in_province, min(WRITE_SET, len(in_province)))
                read_set = rng.sample(hierarchy.agencies, min(READ_SET, len(hierarchy.agencies)))

                writes = write_requests(
                    Request("PUT", report_path(agency), body(agency)) for agency in write_set
                )
                log("W1: PUT a full published report")
                run["w1"] = compare(app, ceiling, db, writes, args.duration, headers=auth)
                peak_rss["w1"] = rss_mb(app)

                section_paths = [
                    f"{report_path(agency)}/sections/applications" for agency in read_set
                ]
                section_size = typical_size(app, section_paths[:25])
                set_ceiling_sizes(ceiling, section=section_size)
                reads = write_requests(Request("GET", path) for path in section_paths)
                log("R1: GET a report's applications section")
                run["r1"] = compare(app, ceiling, db, reads, args.duration)
                run["r1"]["response_bytes"] = section_size
                run["r1"]["distinct_reports"] = len(section_paths)
                peak_rss["r1"] = rss_mb(app)

                hot = write_requests(Request("GET", path) for path in section_paths[:HOT_SET])
                log(f"R1 hot: the same {HOT_SET} sections again and again")
                run["r1_hot"] = compare(app, ceiling, db, hot, args.duration)
                run["r1_hot"]["distinct_reports"] = min(HOT_SET, len(section_paths))
                cleanup(hot)

                log("R2: summary of the largest province")
                run["r2"] = summaries(app, ceiling, db, province, write_set, args.duration, token)
                run["r2"]["subtree_agencies"] = len(in_province)
                run["peak_rss_mb"] = peak_rss["r2"] = rss_mb(app)
                log(f"peak RSS after each phase (MB): {peak_rss}")

                if args.profile and scale == max(args.scales):
                    from bench import profile as profiler

                    profile = profiler.profile_figures(
                        app,
                        writes,
                        reads,
                        auth,
                        summary_cold_driver(app, province, write_set, token),
                        kind,
                        scale,
                        duration=max(args.duration, 10.0),
                    )
                cleanup(writes)
                cleanup(reads)
            except RuntimeError as exc:
                # The server log says why a request failed (a 500 has only a request id).
                raise RuntimeError(f"{exc}\n--- server log ---\n{app.log_tail(60)}") from exc
    run["seconds"] = round(time.perf_counter() - begun, 1)
    return run, profile


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def report_path(agency: AgencySpec, year: int = YEAR_NEW) -> str:
    return f"/api/v1/agencies/{agency.code}/reports/{year}"


def body(agency: AgencySpec, year: int = YEAR_NEW) -> bytes:
    return encode(report_body(agency, year, SEED))


def register_agencies(db: Database, hierarchy: Hierarchy) -> float:
    """Migrate, then register the hierarchy in one call of the service's bulk path."""
    from sqlmodel import Session

    from app.agencies.schemas import AgencyCreate
    from app.agencies.service import create_agencies
    from app.db import create_db_engine
    from app.ops.migrate import upgrade

    upgrade(db.url)
    started = time.perf_counter()
    engine = create_db_engine(db.url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            create_agencies(
                session,
                agencies=[
                    AgencyCreate(
                        code=agency.code,
                        name=agency.name,
                        parent_code=agency.parent_code,
                        kind=agency.kind,
                    )
                    for agency in hierarchy.agencies
                ],
            )
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    log(f"registered {len(hierarchy.agencies):,} agencies in {seconds:.1f} s (service bulk path)")
    return round(seconds, 1)


def load_reports(app: Server, db: Database, token: str, hierarchy: Hierarchy) -> dict[str, Any]:
    """L1: every report through ``POST /api/v1/reports/batch``, BATCH_SIZE a request, by
    LOAD_CLIENTS concurrent clients; every 2020 report before any 2021 one (its previous)."""
    by_year: dict[int, list[AgencySpec]] = {}
    for agency, year in hierarchy.reports():
        by_year.setdefault(year, []).append(agency)
    cpu_before, pg_before = app.cpu_seconds(), db.backend_cpu_seconds()
    results = [
        bulk_batch(app.base, token, _chunks(agencies, year), clients=LOAD_CLIENTS)
        for year, agencies in sorted(by_year.items())
    ]
    server_cpu = app.cpu_seconds() - cpu_before
    pg_cpu = db.backend_cpu_seconds() - pg_before
    failures = [failure for result in results for failure in result.failures]
    if failures:
        raise RuntimeError("loading failed:\n" + "\n".join(failures[:5]))
    reports = sum(result.reports for result in results)
    seconds = sum(result.seconds for result in results)
    client_cpu = sum(result.client_cpu_seconds for result in results)
    statuses: dict[str, int] = {}
    for result in results:
        for status, count in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    rate = reports / seconds if seconds else 0.0
    log(f"L1: {reports:,} reports in {seconds:.1f} s = {rate:.0f}/s (batch endpoint)")
    return {
        "reports": reports,
        "seconds": round(seconds, 2),
        "reports_per_s": round(rate, 1),
        "clients": LOAD_CLIENTS,
        "via": f"POST /api/v1/reports/batch, {BATCH_SIZE} reports a request",
        "statuses": statuses,
        "server_cpu_pct": pct(server_cpu, seconds),
        "postgres_cpu_pct": pct(pg_cpu, seconds),
        "client_cpu_pct": pct(client_cpu, seconds),
        "server_cpu_ms_per_report": round(1000 * server_cpu / max(1, reports), 2),
    }


def _chunks(agencies: list[AgencySpec], year: int) -> Iterator[list[tuple[str, int, bytes]]]:
    """Batches of reports, each body generated only when a client takes its batch."""
    for start in range(0, len(agencies), BATCH_SIZE):
        yield [
            (agency.code, year, body(agency, year))
            for agency in agencies[start : start + BATCH_SIZE]
        ]


def pct(cpu_seconds: float, wall_seconds: float) -> float:
    return round(100 * cpu_seconds / wall_seconds, 1) if wall_seconds else 0.0


def measure(
    server: Server,
    db: Database | None,
    requests: Path,
    duration: float,
    *,
    connections: int = CONNECTIONS,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    cpu_before = server.cpu_seconds()
    pg_before = db.backend_cpu_seconds() if db else 0.0
    result = run_wrk(
        server.base, requests, duration=duration, connections=connections, headers=headers
    )
    out = result.as_dict()
    server_cpu = server.cpu_seconds() - cpu_before
    out["server_cpu_pct"] = pct(server_cpu, result.seconds)
    out["wrk_cpu_pct"] = pct(result.client_cpu_seconds, result.seconds)
    if db is not None:
        out["postgres_cpu_pct"] = pct(db.backend_cpu_seconds() - pg_before, result.seconds)
    out["server_cpu_ms_per_request"] = round(1000 * server_cpu / max(1, result.requests), 3)
    return out


def compare(
    app: Server,
    ceiling: Server,
    db: Database,
    requests: Path,
    duration: float,
    *,
    connections: int = CONNECTIONS,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The same requests against the ceiling, then the service; the ratio of their rates."""
    top = measure(ceiling, None, requests, duration, connections=connections, headers=headers)
    got = measure(app, db, requests, duration, connections=connections, headers=headers)
    ratio = got["rps"] / top["rps"] if top["rps"] else 0.0
    log(
        f"   service {got['rps']:.0f}/s p50 {got['p50_ms']} ms p99 {got['p99_ms']} ms; "
        f"ceiling {top['rps']:.0f}/s; ratio {ratio:.2f}"
    )
    check_statuses(got, "service")
    check_statuses(top, "ceiling")
    return {"service": got, "ceiling": top, "ratio": round(ratio, 3)}


def check_statuses(result: dict[str, Any], what: str) -> None:
    bad = {code: n for code, n in result["statuses"].items() if not code.startswith(("2", "3"))}
    if bad or any(result["errors"].values()):
        raise RuntimeError(f"{what}: unexpected answers {result['statuses']} {result['errors']}")


def typical_size(app: Server, paths: list[str]) -> int:
    client = Client(app.base)
    try:
        sizes = []
        for path in paths:
            status, _, data = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {data[:300]!r}")
            sizes.append(len(data))
    finally:
        client.close()
    return int(statistics.median(sizes))


def set_ceiling_sizes(ceiling: Server, **sizes: int) -> None:
    client = Client(ceiling.base)
    try:
        status, _, _ = client.request("POST", "/_ceiling/sizes", json.dumps(sizes).encode())
        if status != 204:
            raise RuntimeError(f"the ceiling refused its sizes: {status}")
    finally:
        client.close()


def summary_cold_driver(
    app: Server, province: AgencySpec, write_set: list[AgencySpec], token: str
) -> Callable[[float], float]:
    """For the profiler: PUT a report of the province, GET its summary, for ``seconds``."""
    path = f"/api/v1/summary?year={YEAR_NEW}&agency={province.code}"

    def drive(seconds: float) -> float:
        writer = Client(app.base, {"Authorization": f"Bearer {token}"})
        reader = Client(app.base)
        done, started = 0, time.perf_counter()
        try:
            while time.perf_counter() - started < seconds:
                agency = write_set[done % len(write_set)]
                writer.request("PUT", report_path(agency), body(agency))
                reader.request("GET", path)
                done += 1
        finally:
            writer.close()
            reader.close()
        return done / (time.perf_counter() - started)

    return drive


def sample_latency(probe: Callable[[int], float], budget: float, most: int = 40) -> list[float]:
    """Call ``probe(i)`` (it returns milliseconds) until ``budget`` seconds are spent.

    At least three samples, unless the samples so far took three budgets (a summary that
    takes half a minute is measured once rather than holding the run for minutes); never
    fewer than one.
    """
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < most:
        spent = time.perf_counter() - started
        if samples and ((spent > budget and len(samples) >= 3) or spent > 3 * budget):
            break
        samples.append(probe(len(samples)))
    return samples


def summaries(
    app: Server,
    ceiling: Server,
    db: Database,
    province: AgencySpec,
    write_set: list[AgencySpec],
    duration: float,
    token: str,
) -> dict[str, Any]:
    """R2: cold (a report of the province just changed), warm, warm with If-None-Match."""
    path = f"/api/v1/summary?year={YEAR_NEW}&agency={province.code}"
    writer = Client(app.base, {"Authorization": f"Bearer {token}"})
    reader = Client(app.base)
    seen: dict[str, Any] = {}

    def get() -> float:
        started = time.perf_counter()
        status, headers, data = reader.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {data[:300]!r}")
        seen.update(
            etag=headers.get("etag", ""),
            size=len(data),
            reported=json.loads(data)["agencies_reported"],
        )
        return elapsed

    def cold_probe(index: int) -> float:
        agency = write_set[index % len(write_set)]
        status, _, data = writer.request("PUT", report_path(agency), body(agency))
        if status != 200:
            raise RuntimeError(f"PUT {agency.code}: {status} {data[:300]!r}")
        return get()

    try:
        cold = sample_latency(cold_probe, duration * 1.5)
        result: dict[str, Any] = {"path": path, "cold": latency_summary(cold)}
        log(
            f"   cold: {len(cold)} samples, p50 {result['cold']['p50_ms']} ms, "
            f"p99 {result['cold']['p99_ms']} ms ({seen['reported']:,} reports summed, "
            f"{seen['size']:,} bytes)"
        )
        result.update(response_bytes=seen["size"], reports_summed=seen["reported"])
        set_ceiling_sizes(ceiling, summary=seen["size"])
        requests = write_requests([Request("GET", path)])
        try:
            if result["cold"]["p50_ms"] <= duration * 1000 / 20:
                log("   warm, without If-None-Match (wrk, one connection)")
                result["warm"] = compare(app, ceiling, db, requests, duration, connections=1)
                result["warm"]["method"] = "wrk, 1 connection"
            else:
                # Too slow for wrk to collect a distribution in `duration`: sample in turn.
                log("   warm, without If-None-Match (sequential client: slow responses)")
                top = measure(ceiling, None, requests, duration, connections=1)
                warm = sample_latency(lambda _index: get(), duration)
                mean_ms = statistics.fmean(warm)
                service = {**latency_summary(warm), "rps": round(1000 / mean_ms, 2)}
                result["warm"] = {
                    "service": service,
                    "ceiling": top,
                    "ratio": round(service["rps"] / top["rps"], 4),
                    "method": "sequential client",
                }
            log("   warm, with If-None-Match")
            result["warm_inm"] = compare(
                app, ceiling, db, requests, duration, headers={"If-None-Match": seen["etag"]}
            )
        finally:
            cleanup(requests)
    finally:
        writer.close()
        reader.close()
    if "304" not in result["warm_inm"]["service"]["statuses"]:
        raise RuntimeError("the summary did not answer 304 to its own ETag")
    return result


def app_version() -> dict[str, Any]:
    """Which code was measured: the commit, and a hash of app/ and migrations/ as they were."""
    import hashlib
    import subprocess

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("app/**/*"), *root.glob("migrations/**/*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "uncommitted_changes": bool(git("status", "--porcelain", "--", "app", "migrations")),
        "tree_sha256": digest.hexdigest()[:12],
    }


def machine() -> dict[str, Any]:
    import platform
    import sqlite3
    import subprocess

    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "cpus": cpus(),
        "cpu_model": model,
        "memory_gb": round(__import__("psutil").virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres.stdout.strip() or None,
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
        "pinning": "server on CPU 0, load generators on the others" if cpus() >= 2 else "none",
    }


if __name__ == "__main__":
    sys.exit(main())
