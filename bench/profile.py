"""Where the server's CPU goes: py-spy sampling the running uvicorn process under load.

``bench/run.py --profile`` records, after the timed measurements and at the largest scale,
W1 and R1 again under wrk, and R2 cold (a PUT into the province, then its summary, in turn;
only the summary route's samples are counted), each with ``py-spy record --gil --nonblocking``
attached to the server (py-spy from the bench dependency group; it needs ptrace: root, or
``kernel.yama.ptrace_scope=0``). The collapsed stacks are kept under bench/results/profiles/
(open them in speedscope or flamegraph.pl); results.md lists the shares by layer and by app
function.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.load import run_wrk
from bench.server import ROOT, Server, client_cpus

PROFILES = Path(__file__).resolve().parent / "results" / "profiles"
TOP = 20
_LINE = re.compile(r":\d+\)$")


def py_spy() -> str:
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise RuntimeError("py-spy is missing: uv sync --group bench")
    return found


def record(
    app: Server,
    drive: Callable[[float], float],
    output: Path,
    duration: float,
    within: str | None = None,
) -> dict[str, Any]:
    output.parent.mkdir(parents=True, exist_ok=True)
    pinned = client_cpus()
    # --gil: only the thread holding the GIL is sampled, i.e. where the Python CPU goes
    # (waits on the database or the socket release the GIL and do not show).
    spy = subprocess.Popen(
        [
            py_spy(),
            "record",
            "--pid",
            str(app.pid),
            "--rate",
            "250",
            "--gil",
            "--duration",
            str(round(duration)),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=(lambda: os.sched_setaffinity(0, pinned)) if pinned else None,
    )
    time.sleep(1.0)
    try:
        rate = drive(duration - 2)
    finally:
        _, errors = spy.communicate(timeout=duration + 60)
    if spy.returncode != 0 or not output.exists():
        raise RuntimeError(f"py-spy failed: {errors.decode(errors='replace')[-2000:]}")
    return {
        "file": str(output.relative_to(ROOT)),
        **summarize(output, within),
        "rps_while_profiled": round(rate, 1),
    }


BUCKETS = (
    ("app/formats/", "rule engine, formats, section views (app/formats)"),
    ("app/", "other app code (app/)"),
    ("sqlalchemy/", "SQLAlchemy (ORM, core)"),
    ("sqlmodel/", "SQLAlchemy (ORM, core)"),
    ("psycopg", "database driver (psycopg, sqlite3)"),
    ("sqlite3", "database driver (psycopg, sqlite3)"),
    ("pydantic", "pydantic (validation, serialisation)"),
    ("fastapi/", "FastAPI, Starlette, anyio"),
    ("starlette/", "FastAPI, Starlette, anyio"),
    ("anyio/", "FastAPI, Starlette, anyio"),
    ("uvicorn/", "uvicorn, asyncio"),
    ("asyncio/", "uvicorn, asyncio"),
    ("json/", "json"),
    ("prometheus_client/", "prometheus_client"),
)


def bucket(frame: str) -> str:
    for marker, name in BUCKETS:
        if f"({marker}" in frame or f"/{marker}" in frame:
            return name
    return "other (stdlib, threads)"


def summarize(collapsed: Path, within: str | None = None) -> dict[str, Any]:
    """Shares of the samples: by layer (where the CPU burns), by app function (inclusive).

    With ``within``, only the stacks through a frame containing that text count (the summary
    route alone, when the load also writes).
    """
    by_layer: Counter[str] = Counter()
    app_inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")]
        if within is not None and not any(within in frame for frame in frames):
            continue
        total += count
        by_layer[bucket(frames[-1])] += count
        leaf[frames[-1]] += count
        for frame in set(frames):
            if "(app/" in frame:
                app_inclusive[frame] += count

    def shares(counter: Counter[str], n: int) -> list[tuple[float, str]]:
        return [(round(100 * c / total, 1), name) for name, c in counter.most_common(n)]

    if not total:
        return {"samples": 0, "layers": [], "app_functions": [], "leaves": []}
    return {
        "samples": total,
        "layers": shares(by_layer, 20),
        "app_functions": shares(app_inclusive, TOP),
        "leaves": shares(leaf, 12),
    }


def _short(frame: str) -> str:
    frame = _LINE.sub(")", frame.strip())
    frame = re.sub(r"\(/.*?/site-packages/", "(", frame)
    return frame.replace(f"({ROOT}/", "(")


def profile_figures(
    app: Server,
    writes: Path,
    reads: Path,
    auth: dict[str, str],
    summary_cold: Callable[[float], float],
    kind: str,
    scale: int,
    *,
    duration: float,
) -> dict[str, Any]:
    """W1 and R1 under wrk; R2 cold (a PUT, then the summary, in turn), the summary route only."""

    def under_wrk(requests: Path, headers: dict[str, str] | None) -> Callable[[float], float]:
        return lambda seconds: (
            run_wrk(app.base, requests, duration=seconds, connections=4, headers=headers).rps
        )

    out: dict[str, Any] = {"database": kind, "scale": scale}
    plan: list[tuple[str, Callable[[float], float], str | None]] = [
        ("w1", under_wrk(writes, auth), None),
        ("r1", under_wrk(reads, None), None),
        ("r2_cold", summary_cold, "get_summary (app/summaries/router.py)"),
    ]
    for figure, drive, within in plan:
        target = PROFILES / f"{kind}-{scale}-{figure}.collapsed.txt"
        out[figure] = record(app, drive, target, duration, within)
    return out
