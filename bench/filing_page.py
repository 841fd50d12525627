"""How long the filing page takes in-process: open it, check it live, save a draft.

    uv run python -m bench.filing_page [--rounds 30] [--database-url URL]

A throw-away SQLite file unless ``--database-url`` names another (PostgreSQL must be empty:
the script migrates it). Prints the median and 90th percentile in milliseconds of each step,
measured through Starlette's TestClient (no network: the app's own cost).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from app.agencies import keys, service
from app.config import Settings
from app.formats.definitions import FORMATS
from app.main import create_app
from app.ops.migrate import upgrade

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hongze_2024.json"
SECRET = "bench-key-secret-0123456789abcdef0123456789"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ETAG = re.compile(r'name="etag" value="([^"]*)"')


def form_of(body: dict[str, Any]) -> dict[str, str]:
    data = {}
    for spec in FORMATS[body["format"]].cells():
        value = body.get(spec.section, {}).get(spec.row, {}).get(spec.column)
        if value is not None:
            data[spec.pointer] = str(value)
    return data


def timed(step: Callable[[], Any], rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    upgrade(url)
    settings = Settings(
        database_url=url,
        admin_token="bench-admin-token-0123456789abcdef012345",
        key_secret=SECRET,
        sample_data=False,
        rate_limit_per_minute=0,
        log_level="WARNING",
    )  # type: ignore[call-arg]
    app = create_app(settings)
    client = TestClient(app)
    with Session(app.state.engine) as session:
        agency = service.create_agency(session, code="320813", name="淮安市洪泽区人民政府")
        token = keys.issue_key(session, agency=agency, key_secret=SECRET).token
    login = client.get("/login")
    client.post("/login", data={"key": token, "csrf_token": TOKEN.findall(login.text)[0]})
    body = json.loads(SAMPLE.read_text(encoding="utf-8"))
    page = client.get("/file/320813/2024").text
    form = form_of(body) | {"csrf_token": TOKEN.findall(page)[0], "status": "draft"}

    def save() -> None:
        etag = ETAG.findall(client.get("/file/320813/2024").text)[0].replace("&#34;", '"')
        assert client.post("/file/320813/2024", data={**form, "etag": etag}).status_code == 200

    assert client.post("/file/320813/2024", data={**form, "etag": ""}).status_code == 200
    steps = {
        "GET /file (render ~300 inputs, check)": lambda: client.get("/file/320813/2024"),
        "POST /file/validate (live check)": lambda: client.post(
            "/file/320813/2024/validate", data=form
        ),
        "save a draft (open, POST, redirected GET)": save,
    }
    print(f"{'step':44} {'p50 ms':>8} {'p90 ms':>8}   ({args.rounds} rounds, {url.split(':')[0]})")
    for name, step in steps.items():
        p50, p90 = timed(step, args.rounds)
        print(f"{name:44} {p50:8.1f} {p90:8.1f}")
    app.state.engine.dispose()


if __name__ == "__main__":
    main()
