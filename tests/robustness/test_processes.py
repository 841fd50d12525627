"""Real server processes on the test database: racing writers, several servers, kill -9.

Each test starts ``uvicorn --factory app.main:create_app`` in child processes
(tests/robustness/live_server.py) and talks HTTP to them, so what is tested is the whole
stack — uvicorn's thread pool, the connection pools, SQLite's file locks across processes,
PostgreSQL's advisory locks across sessions — not the service functions alone
(tests/reports/test_concurrency.py covers those). Servers are stopped, and if need be killed,
when each test ends, failed or not.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.formats.definitions import FORMATS, ValueKind
from tests.conftest import ADMIN_TOKEN
from tests.factories import make_agency
from tests.reports.helpers import cell, seed_report, with_cell
from tests.robustness.live_server import LiveServer, live_server, live_servers

YEAR = 2020
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DECISIONS = "/proactive/penalties/decisions"
REQUEST_TIMEOUT = httpx.Timeout(15.0)


def report_path(code: str, year: int = YEAR) -> str:
    return f"/api/v1/agencies/{code}/reports/{year}"


@pytest.fixture
def agencies(session: Session) -> Iterator[list[str]]:
    """Ten agencies, committed before any server starts; clean_db empties them afterwards."""
    codes = [f"robust-{index:02d}" for index in range(10)]
    for code in codes:
        make_agency(session, code)
    yield codes


def revision_numbers(client: httpx.Client, code: str) -> list[int]:
    response = client.get(f"{report_path(code)}/revisions")
    assert response.status_code == 200, response.text
    return [item["revision"] for item in response.json()["items"]]


# --- 2. many writers, one If-Match -------------------------------------------------------


WRITERS = 20
ROUNDS = 5


async def _race_round(
    base_url: str, code: str, if_match: str, values: list[int]
) -> list[tuple[int, httpx.Response]]:
    """Every writer PUTs its own value with the same If-Match, all at once."""
    limits = httpx.Limits(max_connections=len(values), max_keepalive_connections=len(values))
    async with httpx.AsyncClient(
        base_url=base_url, headers=ADMIN, timeout=REQUEST_TIMEOUT, limits=limits
    ) as client:
        # Open every connection first, so the PUTs below leave together.
        await asyncio.gather(*(client.get("/healthz") for _ in values))
        bodies = [with_cell(seed_report(), DECISIONS, value) for value in values]
        responses = await asyncio.gather(
            *(
                client.put(report_path(code), json=body, headers={"If-Match": if_match})
                for body in bodies
            )
        )
    return list(zip(values, responses, strict=True))


def test_racing_writers_with_one_if_match_have_exactly_one_winner_per_round(
    database_url: str, clean_db: Engine, agencies: list[str]
) -> None:
    code = agencies[0]
    with (
        live_server(database_url) as server,
        httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=REQUEST_TIMEOUT) as client,
    ):
        first = client.put(report_path(code), json=with_cell(seed_report(), DECISIONS, 0))
        assert first.status_code == 201, first.text
        winners = {1: 0}
        for round_number in range(1, ROUNDS + 1):
            values = [round_number * 100 + writer for writer in range(WRITERS)]
            results = asyncio.run(_race_round(server.base_url, code, f'"r{round_number}"', values))

            statuses = Counter(response.status_code for _, response in results)
            assert statuses == Counter({200: 1, 412: WRITERS - 1}), (
                f"round {round_number}: {statuses}; "
                + "; ".join(r.text[:200] for _, r in results if r.status_code not in (200, 412))
            )
            [(value, won)] = [(v, r) for v, r in results if r.status_code == 200]
            assert won.headers["ETag"] == f'"r{round_number + 1}"'
            assert won.json()["revision"] == round_number + 1
            assert cell(won.json(), DECISIONS) == value
            for _, lost in results:
                if lost.status_code == 412:
                    assert lost.headers["content-type"].startswith("application/problem+json")
            winners[round_number + 1] = value

        assert revision_numbers(client, code) == list(range(1, ROUNDS + 2))
        for number, value in winners.items():
            stored = client.get(f"{report_path(code)}/revisions/{number}")
            assert stored.status_code == 200, stored.text
            assert cell(stored.json(), DECISIONS) == value, f"revision {number}"
        latest = client.get(report_path(code))
        assert latest.headers["ETag"] == f'"r{ROUNDS + 1}"'
        assert cell(latest.json(), DECISIONS) == winners[ROUNDS + 1]


# --- 3. several server processes on one database ----------------------------------------


PUTS_PER_AGENCY = 5


async def _write_in_turns(base_urls: list[str], agencies: list[str]) -> dict[str, list[int]]:
    """Per agency, PUTs one after another, each to the next server, each with If-Match of the
    last; all agencies at once. Returns the status codes per agency."""
    limits = httpx.Limits(max_connections=len(agencies))
    clients = [
        httpx.AsyncClient(base_url=url, headers=ADMIN, timeout=REQUEST_TIMEOUT, limits=limits)
        for url in base_urls
    ]

    async def write(index: int, code: str) -> list[int]:
        statuses = []
        etag: str | None = None
        for n in range(PUTS_PER_AGENCY):
            client = clients[(index + n) % len(clients)]
            body = with_cell(seed_report(), DECISIONS, index * 100 + n)
            headers = {"If-Match": etag} if etag else {}
            response = await client.put(report_path(code), json=body, headers=headers)
            statuses.append(response.status_code)
            if response.status_code not in (200, 201):
                break
            etag = response.headers["ETag"]
        return statuses

    try:
        results = await asyncio.gather(*(write(index, code) for index, code in enumerate(agencies)))
    finally:
        for client in clients:
            await client.aclose()
    return dict(zip(agencies, results, strict=True))


@pytest.mark.parametrize("topology", ["two-servers", "one-server-two-workers"])
def test_writes_through_two_server_processes_are_all_kept(
    database_url: str, clean_db: Engine, agencies: list[str], topology: str
) -> None:
    if topology == "two-servers":
        servers_context = live_servers(database_url, 2)
    else:
        servers_context = live_servers(database_url, 1, workers=2)
    with servers_context as servers:
        base_urls = [server.base_url for server in servers]
        statuses = asyncio.run(_write_in_turns(base_urls, agencies))
        expected = [201] + [200] * (PUTS_PER_AGENCY - 1)
        assert statuses == dict.fromkeys(agencies, expected)

        # Read back through every server: each sees every write of the other.
        for base_url in base_urls:
            with httpx.Client(base_url=base_url, headers=ADMIN, timeout=REQUEST_TIMEOUT) as client:
                for index, code in enumerate(agencies):
                    assert revision_numbers(client, code) == list(range(1, PUTS_PER_AGENCY + 1))
                    latest = client.get(report_path(code))
                    assert latest.headers["ETag"] == f'"r{PUTS_PER_AGENCY}"'
                    assert cell(latest.json(), DECISIONS) == index * 100 + PUTS_PER_AGENCY - 1
                    first = client.get(f"{report_path(code)}/revisions/1")
                    assert cell(first.json(), DECISIONS) == index * 100


# --- 4. kill -9 in the middle of a stream of writes -------------------------------------


CRASH_AGENCIES = 3
ACKED_BEFORE_KILL = 12


def full_body(offset: int, label: str) -> dict[str, Any]:
    """A draft in which every one of the format's cells is given and differs by ``offset``."""
    body: dict[str, Any] = {
        "format": "2019",
        "status": "draft",
        "narrative": {"overview": f"body {label}"},
    }
    for index, spec in enumerate(FORMATS["2019"].cells(), start=1):
        value: Any = offset + index
        if spec.kind is ValueKind.CHANGE:
            value = -(offset + index)
        elif spec.kind is ValueKind.AMOUNT:
            value = str(Decimal(offset + index) + Decimal("0.123456"))
        body.setdefault(spec.section, {}).setdefault(spec.row, {})[spec.column] = value
    return body


BODIES = {"A": full_body(0, "A"), "B": full_body(10_000, "B")}


def figures(body: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """Every cell of the format and the overview, normalised for comparison."""
    values: dict[tuple[str, str, str], Any] = {
        ("narrative", "overview", ""): (body.get("narrative") or {}).get("overview")
    }
    for spec in FORMATS["2019"].cells():
        value = body.get(spec.section, {}).get(spec.row, {}).get(spec.column)
        values[(spec.section, spec.row, spec.column)] = (
            Decimal(str(value)) if value is not None else None
        )
    return values


EXPECTED_FIGURES = {label: figures(body) for label, body in BODIES.items()}


def which_body(body: dict[str, Any]) -> str:
    """'A' or 'B' when every figure is that body's; fails on any mix."""
    read = figures(body)
    for label, expected in EXPECTED_FIGURES.items():
        if read == expected:
            return label
    mixed = {
        key: value
        for key, value in read.items()
        if value not in (EXPECTED_FIGURES["A"][key], EXPECTED_FIGURES["B"][key])
    }
    a_cells = sum(read[key] == EXPECTED_FIGURES["A"][key] for key in read)
    raise AssertionError(
        f"revision {body.get('revision')} is neither body A nor body B: {a_cells} of "
        f"{len(read)} figures are A's; figures of neither: {dict(list(mixed.items())[:5])}"
    )


@dataclass(frozen=True)
class Ack:
    code: str
    revision: int
    label: str


def _stream_writes(
    base_url: str, code: str, acks: list[Ack], lock: threading.Lock, stop: threading.Event
) -> None:
    """PUT A, B, A, B … to one agency until the server goes away (or ``stop``)."""
    with httpx.Client(base_url=base_url, headers=ADMIN, timeout=REQUEST_TIMEOUT) as client:
        for n in range(10_000):
            if stop.is_set():
                return
            label = "AB"[n % 2]
            try:
                response = client.put(report_path(code), json=BODIES[label])
            except httpx.TransportError:
                return  # the server was killed
            if response.status_code in (200, 201):
                with lock:
                    acks.append(Ack(code, int(response.json()["revision"]), label))


def test_kill_9_mid_stream_leaves_whole_revisions_and_loses_no_acknowledged_write(
    database_url: str, clean_db: Engine, agencies: list[str]
) -> None:
    codes = agencies[:CRASH_AGENCIES]
    acks: list[Ack] = []
    lock = threading.Lock()
    stop = threading.Event()
    with live_server(database_url) as server:
        threads = [
            threading.Thread(
                target=_stream_writes,
                args=(server.base_url, code, acks, lock, stop),
                name=f"writer-{code}",
            )
            for code in codes
        ]
        for thread in threads:
            thread.start()
        try:
            _wait_for_acks(server, acks, lock, ACKED_BEFORE_KILL)
            # Land the kill at a random point of a write, not right after an acknowledgement.
            time.sleep(random.uniform(0.0, 0.1))  # noqa: S311 - not cryptography
            os.kill(server.pid, signal.SIGKILL)
            assert server.process.wait(timeout=10) == -signal.SIGKILL
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
    with lock:
        acknowledged = list(acks)
    assert len(acknowledged) >= ACKED_BEFORE_KILL

    if clean_db.dialect.name == "sqlite":
        with clean_db.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"

    with (
        live_server(database_url) as restarted,
        httpx.Client(base_url=restarted.base_url, headers=ADMIN, timeout=REQUEST_TIMEOUT) as client,
    ):
        assert client.get("/readyz").status_code == 200
        for code in codes:
            _check_after_crash(client, code, [ack for ack in acknowledged if ack.code == code])


def _wait_for_acks(server: LiveServer, acks: list[Ack], lock: threading.Lock, count: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with lock:
            if len(acks) >= count:
                return
        assert server.process.poll() is None, f"server died on its own:\n{server.log()}"
        time.sleep(0.01)
    raise AssertionError(f"only {len(acks)} writes acknowledged in 15 s:\n{server.log()}")


def _check_after_crash(client: httpx.Client, code: str, acked: list[Ack]) -> None:
    latest = client.get(report_path(code))
    if not acked and latest.status_code == 404:
        return  # no write of this agency was acknowledged, nor committed
    assert latest.status_code == 200, latest.text
    head = latest.json()["revision"]
    assert latest.headers["ETag"] == f'"r{head}"'

    # No gap, and the head is the last revision of the history.
    assert revision_numbers(client, code) == list(range(1, head + 1))

    # Every revision is exactly one whole body, and the head reads as its revision.
    labels = {}
    for number in range(1, head + 1):
        stored = client.get(f"{report_path(code)}/revisions/{number}")
        assert stored.status_code == 200, stored.text
        labels[number] = which_body(stored.json())
    assert which_body(latest.json()) == labels[head]

    # Durability: every acknowledged write is there, with the body that was sent.
    for ack in acked:
        assert ack.revision in labels, f"{code}: acknowledged revision {ack.revision} lost"
        assert labels[ack.revision] == ack.label, f"{code}: revision {ack.revision}"

    # The report is still writable: no lock of the killed process survived it.
    again = client.put(report_path(code), json=BODIES["A"], headers={"If-Match": f'"r{head}"'})
    assert again.status_code == 200, again.text
    assert again.headers["ETag"] == f'"r{head + 1}"'
