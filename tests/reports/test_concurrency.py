"""Concurrent writers of one report: exactly one wins each If-Match, none is lost or half."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.agencies.models import Agency
from app.errors import PreconditionFailed
from app.formats.schema import parse_report
from app.reports import service
from tests.factories import make_agency
from tests.reports.helpers import seed_report, with_cell


def _race(engine: Engine, agency: Agency, if_match: str | None, values: list[int]) -> Counter[str]:
    """Start one writer per value at the same instant; count how each ended."""
    outcomes: Counter[str] = Counter()
    barrier = threading.Barrier(len(values))
    lock = threading.Lock()

    def write(value: int) -> None:
        body = parse_report(
            with_cell(seed_report(), "/proactive/penalties/decisions", value), year=2020
        )
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                service.put_report(
                    session,
                    agency=agency,
                    year=2020,
                    body=body,
                    writer=service.Writer("admin"),
                    if_match=if_match,
                )
                outcome = "stored"
            except PreconditionFailed:
                outcome = "stale"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=write, args=(value,)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def township(session: Session) -> Agency:
    return make_agency(session, "640181-baitugang")


def test_same_if_match_has_exactly_one_winner(
    clean_db: Engine, session: Session, township: Agency
) -> None:
    first = parse_report(seed_report(), year=2020)
    service.put_report(
        session,
        agency=township,
        year=2020,
        body=first,
        writer=service.Writer("admin"),
        if_match=None,
    )

    outcomes = _race(clean_db, township, '"r1"', [101, 102])

    assert outcomes == Counter({"stored": 1, "stale": 1})
    revisions = service.list_revisions(
        session, agency=township, year=2020, include_unpublished=True
    )
    assert [r.revision for r in revisions] == [1, 2]
    latest = service.get_report(session, agency=township, year=2020, include_unpublished=True)
    assert latest.cells[("proactive", "penalties", "decisions")] in (101, 102)


def test_concurrent_first_writes_are_queued_not_lost(
    clean_db: Engine, session: Session, township: Agency
) -> None:
    outcomes = _race(clean_db, township, None, [1, 2, 3, 4])

    assert outcomes == Counter({"stored": 4})
    revisions = service.list_revisions(
        session, agency=township, year=2020, include_unpublished=True
    )
    assert [r.revision for r in revisions] == [1, 2, 3, 4]
    stored_values = {
        service.get_report(
            session, agency=township, year=2020, include_unpublished=True, revision=n
        ).cells[("proactive", "penalties", "decisions")]
        for n in (1, 2, 3, 4)
    }
    assert stored_values == {1, 2, 3, 4}


def test_refused_write_releases_its_lock_before_the_session_closes(
    clean_db: Engine, session: Session, township: Agency
) -> None:
    service.put_report(
        session,
        agency=township,
        year=2020,
        body=parse_report(seed_report(), year=2020),
        writer=service.Writer("admin"),
        if_match=None,
    )
    writer = Session(clean_db, expire_on_commit=False)
    try:
        with pytest.raises(PreconditionFailed):
            service.put_report(
                writer,
                agency=township,
                year=2020,
                body=parse_report(seed_report(), year=2020),
                writer=service.Writer("admin"),
                if_match='"r9"',
            )
        # `writer` is still open, as a request's session is until its teardown.
        if clean_db.dialect.name == "sqlite":
            raw = sqlite3.connect(str(clean_db.url.database), timeout=0.1, isolation_level=None)
            try:
                raw.execute("BEGIN IMMEDIATE")  # "database is locked" if the lock is held
                raw.execute("ROLLBACK")
            finally:
                raw.close()
        else:
            with clean_db.connect() as other:
                key = f"{township.id}, 2020"
                assert other.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar()
                other.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
    finally:
        writer.close()
