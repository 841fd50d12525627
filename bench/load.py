"""Load generators: wrk for throughput and latency, small Python clients for the rest.

wrk (Debian's ``wrk``, C, epoll) replays a file of prepared requests with
``bench/lua/replay.lua`` on the client CPUs; its own CPU time is reported beside the
server's, so a reader can see that it is not the bottleneck. The Python clients (the bulk
loader and the cold-summary probe) use ``http.client`` keep-alive connections.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.server import run_pinned

LUA = Path(__file__).resolve().parent / "lua" / "replay.lua"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def write_requests(requests: Iterable[Request]) -> Path:
    with tempfile.NamedTemporaryFile(prefix="bench-requests-", suffix=".txt", delete=False) as file:
        for request in requests:
            file.write(f"{request.method} {request.path} {len(request.body)}\n".encode())
            file.write(request.body + b"\n")
    return Path(file.name)


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    latency_us: dict[str, float]
    statuses: dict[str, int]
    errors: dict[str, int]
    bytes: int
    client_cpu_seconds: float  # wrk's own user + system time

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.latency_us["p50"] / 1000, 2),
            "p90_ms": round(self.latency_us["p90"] / 1000, 2),
            "p99_ms": round(self.latency_us["p99"] / 1000, 2),
            "max_ms": round(self.latency_us["max"] / 1000, 2),
            "statuses": self.statuses,
            "errors": self.errors,
            "wrk_cpu_seconds": round(self.client_cpu_seconds, 2),
        }


def run_wrk(
    base: str,
    requests_file: Path,
    *,
    duration: float,
    connections: int,
    headers: dict[str, str] | None = None,
    threads: int = 1,
) -> WrkResult:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "120s",
        "-s",
        str(LUA),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += [base, "--", str(requests_file)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = run_pinned(command, capture_output=True, text=True, check=False, timeout=duration + 180)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        latency_us=data["latency_us"],
        statuses=data["statuses"],
        errors=data["errors"],
        bytes=data["bytes"],
        client_cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    )


# ---------------------------------------------------------------------------------------------
# Python clients


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = headers or {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {**self.headers, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


@dataclass(frozen=True)
class BulkResult:
    reports: int
    seconds: float
    statuses: dict[str, int]
    client_cpu_seconds: float
    failures: list[str]

    @property
    def rate(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


BATCH_PATH = "/api/v1/reports/batch"


def bulk_batch(
    base: str, token: str, chunks: Iterator[list[tuple[str, int, bytes]]], *, clients: int
) -> BulkResult:
    """POST every chunk of (agency code, year, report JSON) to the batch endpoint, with
    ``clients`` concurrent connections; counts the status of each item, not of each POST."""
    lock = threading.Lock()
    statuses: dict[str, int] = {}
    failures: list[str] = []
    count = 0

    def work() -> None:
        nonlocal count
        client = Client(base, {"Authorization": f"Bearer {token}"})
        try:
            while True:
                with lock:
                    chunk = next(chunks, None)
                if chunk is None:
                    return
                status, _, data = client.request("POST", BATCH_PATH, _batch_body(chunk))
                answers = json.loads(data)["items"] if status == 200 else []
                with lock:
                    if status != 200:
                        statuses[f"batch {status}"] = statuses.get(f"batch {status}", 0) + 1
                        failures.append(f"{BATCH_PATH}: {status} {data[:500]!r}")
                    for answer in answers:
                        count += 1
                        item = str(answer["status"])
                        statuses[item] = statuses.get(item, 0) + 1
                        if answer["status"] not in (200, 201) and len(failures) < 5:
                            failures.append(f"{answer['agency_code']}/{answer['year']}: {answer}")
        finally:
            client.close()

    cpu_before = time.process_time()
    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return BulkResult(count, seconds, statuses, time.process_time() - cpu_before, failures)


def _batch_body(chunk: list[tuple[str, int, bytes]]) -> bytes:
    # The reports are JSON already: spliced in rather than decoded and encoded again.
    items = (
        b'{"agency_code":'
        + json.dumps(code).encode()
        + b',"year":'
        + str(year).encode()
        + b',"report":'
        + report
        + b"}"
        for code, year, report in chunk
    )
    return b'{"items":[' + b",".join(items) + b"]}"


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(samples_ms: list[float]) -> dict[str, Any]:
    return {
        "samples": len(samples_ms),
        "p50_ms": round(statistics.median(samples_ms), 2) if samples_ms else None,
        "p99_ms": round(percentile(samples_ms, 99), 2) if samples_ms else None,
        "min_ms": round(min(samples_ms), 2) if samples_ms else None,
        "max_ms": round(max(samples_ms), 2) if samples_ms else None,
    }


def cleanup(path: Path) -> None:
    if path.exists():
        os.unlink(path)
