"""How quickly the office's board answers for a province of 5,000 agencies (issue 17: < 1 s).

    uv run python bench/board.py                                   # a throw-away SQLite file
    uv run python bench/board.py --postgres postgresql+psycopg://postgres@127.0.0.1/scratch

The database is migrated first and must hold no agencies; every row is deleted afterwards.
One province: its government, 50 cities, and under each city 9 counties with 5 departments
and 5 townships each (5,001 agencies), bulk-inserted through SQLAlchemy core. Each agency
has a published 2023 report and a 2024 report in a mixed state: 15 % missing, 10 % draft,
10 % submitted, 65 % published (one in five of those late, one in ten with a draft on top).
The app runs in process (Starlette's TestClient, no network); each request is timed whole —
the SQL, the template and the body. Prints p50 and p95 of the board's first page for the
office and for an anonymous visitor, sorted by days late with a filter, a later page, and the
CSV and XLSX downloads of every row.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from app.agencies.models import Agency
from app.config import Settings
from app.db import create_db_engine
from app.main import create_app
from app.ops.migrate import upgrade
from app.reports.models import Report, ReportRevision

CITIES, COUNTIES, DEPARTMENTS, TOWNSHIPS = 50, 9, 5, 5
YEAR = 2024
ADMIN_TOKEN = "bench-admin-token-0123456789abcdef0123456789"
KEY_SECRET = "bench-key-secret-0123456789abcdef0123456789"
BATCH = 5_000


def _agencies(now: datetime) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(parent: dict[str, Any] | None, kind: str) -> dict[str, Any]:
        number = len(rows) + 1
        row = {
            "id": number,
            "code": f"P{number:05d}",
            "name": f"{kind}机关{number}",
            "kind": kind,
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else ''}{number}/",
            "depth": parent["depth"] + 1 if parent else 0,
            "created_at": now,
            "updated_at": now,
        }
        rows.append(row)
        return row

    province = add(None, "province")
    for _ in range(CITIES):
        city = add(province, "city")
        for _ in range(COUNTIES):
            county = add(city, "county")
            for _ in range(DEPARTMENTS):
                add(county, "department")
            for _ in range(TOWNSHIPS):
                add(county, "township")
    return rows


def _revision(
    report_id: int, number: int, status: str, at: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "revision": number,
        "format": "2021",
        "status": status,
        "scope": "agency",
        "findings": [],
        "error_count": extra.pop("errors", 0),
        "warning_count": 0,
        "written_by": "admin",
        "created_at": at,
        "published_on": extra.pop("published_on", None),
    }


def build(engine: Engine) -> int:
    """Inserts the province and its reports; returns the number of agencies."""
    rng = random.Random(17)
    now = datetime.now(UTC)
    agencies = _agencies(now)
    heads: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    for agency in agencies:
        for year in (2023, YEAR):
            state = (
                "published"
                if year == 2023
                else rng.choices(["missing", "draft", "submitted", "published"], [15, 10, 10, 65])[
                    0
                ]
            )
            if state == "missing":
                continue
            report_id = len(heads) + 1
            due = date(year + 1, 3 if agency["kind"] in ("province", "city", "county") else 1, 31)
            stored_at = datetime(year + 1, 1, 10, 2, tzinfo=UTC)
            published_on = due + timedelta(days=rng.randint(1, 60) if rng.random() < 0.2 else -5)
            errors = rng.choice([0, 0, 1, 3]) if state != "published" else 0
            own = [
                _revision(
                    report_id,
                    1,
                    state,
                    stored_at,
                    errors=errors,
                    published_on=published_on if state == "published" else None,
                )
            ]
            latest_status = state
            if state == "published" and rng.random() < 0.1:
                own.append(
                    _revision(report_id, 2, "draft", stored_at + timedelta(days=90), errors=1)
                )
                latest_status = "draft"
            first_id = len(revisions) + 1
            for offset, revision in enumerate(own):
                revisions.append({"id": first_id + offset, **revision})
            heads.append(
                {
                    "id": report_id,
                    "agency_id": agency["id"],
                    "year": year,
                    "latest_revision": len(own),
                    "latest_seq": first_id + len(own) - 1,
                    "format": "2021",
                    "status": latest_status,
                    "scope": "agency",
                    "error_count": own[-1]["error_count"],
                    "warning_count": 0,
                    "published_revision": 1 if state == "published" else None,
                    "published_seq": first_id if state == "published" else None,
                    "published_scope": "agency" if state == "published" else None,
                    "created_at": stored_at,
                    "updated_at": own[-1]["created_at"],
                }
            )
    with engine.begin() as connection:
        for table, rows in ((Agency, agencies), (Report, heads), (ReportRevision, revisions)):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[start : start + BATCH])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE agency; ANALYZE report; ANALYZE report_revision"))
    return len(agencies)


def _time(
    client: TestClient, url: str, headers: dict[str, str], runs: int
) -> tuple[float, float, int]:
    timings = []
    size = 0
    client.get(url, headers=headers)  # warm: templates compiled, statements cached
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
        size = len(response.content)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        url = options.postgres or f"sqlite:///{scratch}/board.sqlite3"
        upgrade(url)
        engine = create_db_engine(url)
        with engine.connect() as connection:
            if connection.scalar(select(func.count()).select_from(Agency)):
                print("the database already holds agencies; use an empty one", file=sys.stderr)
                return 1
        started = time.perf_counter()
        count = build(engine)
        print(
            f"{engine.dialect.name}: {count:,} agencies in one province, built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        settings = Settings(
            database_url=url,
            admin_token=ADMIN_TOKEN,  # type: ignore[arg-type]
            key_secret=KEY_SECRET,  # type: ignore[arg-type]
            sample_data=False,
            log_level="WARNING",
            log_format="console",
            rate_limit_per_minute=0,
        )
        app = create_app(settings)
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        board = f"/board?year={YEAR}&agency=P00001"
        cases = [
            ("board, office, page 1 of 100", board, admin, options.runs),
            ("board, anonymous, page 1", board, {}, options.runs),
            (
                "board, late only, by days late",
                f"{board}&late=1&sort=days_late&order=desc",
                admin,
                options.runs,
            ),
            (
                "board, search 机关12, by name",
                f"{board}&q=%E6%9C%BA%E5%85%B312&sort=name",
                admin,
                options.runs,
            ),
            ("board, 200 a page, page 25", f"{board}&size=200&page=25", admin, options.runs),
            ("board.csv, every row", f"/board.csv?year={YEAR}&agency=P00001", admin, options.runs),
            (
                "board.xlsx, every row",
                f"/board.xlsx?year={YEAR}&agency=P00001",
                admin,
                max(5, options.runs // 4),
            ),
        ]
        try:
            client = TestClient(app)
            for label, path, headers, runs in cases:
                p50, p95, size = _time(client, path, headers, runs)
                print(
                    f"{label:34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                    f"({size / 1024:,.0f} KiB, {runs} runs)"
                )
        finally:
            app.state.engine.dispose()
            with engine.begin() as connection:
                for table in (ReportRevision, Report, Agency):
                    connection.execute(delete(table))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
