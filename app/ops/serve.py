"""``python -m app serve``: the service under uvicorn, with as many worker processes as asked.

The worker count comes from ``--workers``, else ``DISCLOSURE_WORKERS``, else 1. What each
worker keeps in memory stays correct with several:

- metrics: with more than one worker, Prometheus' multiprocess mode. Every worker writes its
  counters to files in ``PROMETHEUS_MULTIPROC_DIR`` (a directory made here, or the one the
  operator names, emptied first: files of an earlier run would be summed in), and
  ``/metrics`` of any worker sums all of them (app/http/metrics.py);
- rate limits: the in-memory buckets are per worker, so a caller gets up to n × the limit;
  production sets ``DISCLOSURE_RATE_LIMIT_STORAGE=redis://…`` to share them (SECURITY.md);
- the development admin token, key secret and sample data: made once here, before the
  workers start, not by each of them;
- caches: keyed by immutable revisions or data-derived ETags, checked against the shared
  database on every request (app/http/cache.py), so a worker never serves what another
  worker's write made stale.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from app.config import Settings, SettingsError, key_secret, load_settings

WORKERS_ENV = "DISCLOSURE_WORKERS"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def worker_count(argument: int | None) -> int:
    if argument is not None:
        return argument
    value = os.environ.get(WORKERS_ENV, "1").strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{WORKERS_ENV} must be a whole number ≥ 1, not {value!r}")
    return int(value)


def prepare_metrics_directory() -> Path | None:
    """Multiprocess metrics for the workers to come: an empty directory in the environment
    they inherit. Returns the directory when it was made here (to remove at exit)."""
    named = os.environ.get(MULTIPROC_ENV)
    if named:
        directory = Path(named)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        return None
    made = Path(tempfile.mkdtemp(prefix="disclosure-metrics-"))
    os.environ[MULTIPROC_ENV] = str(made)
    return made


def share_development_secrets(settings: Settings) -> None:
    """Give every worker the same admin token and key secret: left to each worker, a
    development server would print one token per worker and keep the one it happened to
    make first. Production configures both (its settings refuse to load otherwise)."""
    if settings.admin_token is None:
        token = secrets.token_urlsafe(32)
        os.environ["DISCLOSURE_ADMIN_TOKEN"] = token
        print(f"DISCLOSURE_ADMIN_TOKEN not set; this run's admin token: {token}", file=sys.stderr)
    key_secret(settings)  # made once here (under ./var), before the workers read it


def load_sample_before_the_workers(settings: Settings) -> None:
    """The development sample, loaded here once: each worker's start would load it too, all
    at once into the same empty database, and all but one would fail on the duplicates."""
    if settings.sample_data and settings.uses_default_database:
        from app.db import create_db_engine
        from app.ops.sample_data import load_sample_when_migrated

        engine = create_db_engine(settings.database_url)
        try:
            load_sample_when_migrated(engine)
        finally:
            engine.dispose()
    os.environ["DISCLOSURE_SAMPLE_DATA"] = "0"


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """The command: its settings were loaded (and refused when invalid) before any worker."""
    import uvicorn

    try:
        workers = worker_count(args.workers)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    share_development_secrets(settings)
    if workers > 1:
        load_sample_before_the_workers(settings)
    made = prepare_metrics_directory() if workers > 1 else None
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=workers,
            proxy_headers=True,
            access_log=False,  # app.access logs every request, with its id
            log_level=args.log_level,
        )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    return 0


def main(argv: list[str]) -> int:
    """``python -m app serve …`` without the other commands' imports: the supervisor stays
    light (each worker imports the app itself), so n workers start about as fast as one."""
    parser = argparse.ArgumentParser(prog="python -m app serve")
    _arguments(parser)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return serve(settings, args)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``serve`` among ``python -m app``'s commands (its help; app/__main__.py runs main)."""
    parser = commands.add_parser("serve", help="serve the API (uvicorn, n worker processes)")
    _arguments(parser)
    parser.set_defaults(command=serve)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=_positive, help=f"worker processes (default: ${WORKERS_ENV}, else 1)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, not {value!r}")
    return int(value)
