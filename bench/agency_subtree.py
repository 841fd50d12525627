"""How long the subtree query takes on a realistic hierarchy of 50,000 agencies.

    uv run python bench/agency_subtree.py                      # a throw-away SQLite file
    uv run python bench/agency_subtree.py postgresql+psycopg://postgres@127.0.0.1/scratch

The database is migrated first and must hold no agencies; the rows are deleted afterwards.
Five levels (5 provinces × 10 cities × 10 counties × 9 townships × 10 departments = 50,055
agencies), bulk-inserted through SQLAlchemy core. Prints the median (p50) of 20 runs of the
subtree query (fetching every id of the subtree) for a province (~10,000 agencies) and a county
(~100), and the database's plan for it, which should use the path index.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, text
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.agencies.models import Agency
from app.agencies.paths import subtree_condition
from app.db import create_db_engine
from app.ops.migrate import upgrade

FAN_OUT = (5, 10, 10, 9, 10)
RUNS = 20
BATCH = 5_000


def build(engine: Engine) -> None:
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    next_id = 1

    def add(parent: dict[str, Any] | None, level: int, index: int) -> dict[str, Any]:
        nonlocal next_id
        row = {
            "id": next_id,
            "code": f"L{level}-{next_id}",
            "name": f"机关{next_id}",
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path'] if parent else ''}{next_id}/",
            "depth": level,
            "created_at": now,
            "updated_at": now,
        }
        next_id += 1
        rows.append(row)
        return row

    level_rows: list[dict[str, Any] | None] = [None]
    for level, fan_out in enumerate(FAN_OUT):
        level_rows = [
            add(parent, level, index) for parent in level_rows for index in range(fan_out)
        ]
    with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(Agency), rows[start : start + BATCH])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE agency"))


def p50_ms(session: Session, agency: Agency) -> tuple[float, int]:
    timings = []
    count = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        count = len(session.exec(select(Agency.id).where(subtree_condition(agency))).all())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), count


def plan(engine: Engine, agency: Agency) -> str:
    query = select(Agency.id).where(subtree_condition(agency))
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.execute(text(explain + str(compiled))).all()
    return " | ".join(str(row[-1]) for row in rows)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        url = argv[0] if argv else f"sqlite:///{scratch}/bench.sqlite3"
        upgrade(url)
        engine = create_db_engine(url)
        with Session(engine) as session:
            if session.scalar(select(func.count()).select_from(Agency)):
                print("the database already holds agencies; use an empty one", file=sys.stderr)
                return 1
        started = time.perf_counter()
        build(engine)
        print(
            f"{engine.dialect.name}: inserted 50,055 agencies in "
            f"{time.perf_counter() - started:.1f} s"
        )
        try:
            with Session(engine) as session:
                province = session.exec(select(Agency).where(Agency.depth == 0)).first()
                county = session.exec(
                    select(Agency).where(Agency.depth == 2).order_by(col(Agency.id))
                ).first()
                for label, agency in (("province", province), ("county", county)):
                    if agency is None:
                        raise RuntimeError("the hierarchy was not built")
                    median, count = p50_ms(session, agency)
                    print(
                        f"{label:8} subtree: {count:6,} agencies, p50 {median:7.2f} ms "
                        f"over {RUNS} runs"
                    )
                if county is not None:
                    print(f"plan: {plan(engine, county)}")
        finally:
            with engine.begin() as connection:
                connection.execute(delete(Agency))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
