"""Two uvicorn workers behind one port (``python -m app serve --workers 2``): what each worker
keeps in memory — cached sections and summaries, metrics — stays right for all of them.

A write goes through one request; the reads after it arrive on fresh connections, which the
kernel hands to either worker, and every one of them must see the write. Which workers
answered is read from the multiprocess metrics directory (one file per worker pid), and
``/metrics`` must count every request whichever worker served it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from tests.conftest import ADMIN_TOKEN
from tests.factories import make_agency
from tests.reports.helpers import cell, seed_report, with_cell
from tests.robustness.live_server import live_server

YEAR = 2020
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DECISIONS = "/proactive/penalties/decisions"
REPORT = f"/api/v1/agencies/workers-01/reports/{YEAR}"
SECTION = f"{REPORT}/sections/proactive"
SUMMARY = f"/api/v1/summary?year={YEAR}&agency=workers-00"
READS_PER_ROUND = 24
TIMEOUT = httpx.Timeout(15.0)


def _fresh_get(base_url: str, path: str) -> httpx.Response:
    """One GET on a new connection: the kernel picks the worker that accepts it."""
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        return client.get(path, headers={"Connection": "close"})


def _decisions(section: dict[str, Any]) -> int:
    """The penalties/decisions cell of a rendered proactive section (its rows and columns)."""
    row = next(row for row in section["rows"] if row["key"] == "penalties")
    return int(next(c["value"] for c in row["columns"] if c["key"] == "decisions"))


def _requests_counted(metrics_text: str, route: str, status: str) -> int:
    total = 0.0
    pattern = re.compile(r"^disclosure_http_requests_total\{(?P<labels>.*)\} (?P<value>\S+)$")
    for line in metrics_text.splitlines():
        found = pattern.match(line)
        if found is None:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', found["labels"]))
        if labels == {"method": "GET", "route": route, "status": status}:
            total += float(found["value"])
    return int(total)


def test_two_workers_never_serve_a_stale_answer_and_metrics_sum_both(
    database_url: str, clean_db: Engine, session: Session, tmp_path: Path
) -> None:
    city = make_agency(session, "workers-00")
    make_agency(session, "workers-01", parent=city)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    # Two workers import the app at once: on a loaded 2-core machine that takes a while.
    with live_server(database_url, workers=2, env=env, ready_timeout=120) as server:
        assert not (metrics_dir / "counter_999999.db").exists()  # cleared at start
        section_reads = 0
        with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=TIMEOUT) as writer:
            for value in (5, 6, 7):
                stored = writer.put(REPORT, json=with_cell(seed_report(), DECISIONS, value))
                assert stored.status_code in (200, 201), stored.text
                etag = stored.headers["ETag"]
                summary_etags = set()
                for _ in range(READS_PER_ROUND):
                    section = _fresh_get(server.base_url, SECTION)
                    section_reads += 1
                    assert section.status_code == 200
                    assert (section.headers["ETag"], _decisions(section.json())) == (etag, value)
                    report = _fresh_get(server.base_url, REPORT)
                    assert report.headers["ETag"] == etag
                    assert cell(report.json(), DECISIONS) == value
                    summary = _fresh_get(server.base_url, SUMMARY)
                    assert summary.status_code == 200
                    assert _decisions(summary.json()["sections"]["proactive"]) == value
                    summary_etags.add(summary.headers["ETag"])
                assert len(summary_etags) == 1  # both workers compute the same ETag

        workers = {path.name for path in metrics_dir.glob("counter_*.db")}
        assert len(workers) == 2, workers  # both workers served requests
        counted = _fresh_get(server.base_url, "/metrics").text
        route = "/api/v1/agencies/{code}/reports/{year}/sections/{section}"
        assert _requests_counted(counted, route, "200") == section_reads
