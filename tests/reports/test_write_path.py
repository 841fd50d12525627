"""The write path's shortcuts give what the long way gave: the PUT response, the cross-year
rules against a year rewritten while the rules ran, and the in-process queue of SQLite writers."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.agencies.models import Agency
from app.db import begin_write
from app.formats.schema import parse_report
from app.reports import service, store
from app.reports.views import stored_report_json, written_report_json
from tests.factories import make_agency
from tests.reports.helpers import every_cell_distinct, hongze, seed_report, with_cell


@pytest.fixture
def township(session: Session) -> Agency:
    return make_agency(session, "640181-baitugang")


def _put(session: Session, agency: Agency, body: dict[str, Any], year: int) -> Any:
    return service.put_report(
        session,
        agency=agency,
        year=year,
        body=parse_report(body, year=year),
        writer=service.Writer("admin"),
        if_match=None,
    )


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in copy.deepcopy(body).items() if key not in keys}


def _blanks_and_omissions(body: dict[str, Any]) -> dict[str, Any]:
    """A null data cell, a null total and an omitted total (both computed when stored)."""
    changed = with_cell(body, "/applications/new_received/natural_person", None)
    changed = with_cell(changed, "/applications/new_received/total", None)
    del changed["applications"]["carried_forward"]["total"]
    return changed


BODIES = {
    "2019 as published": (seed_report(), 2020),
    "2021 as published": (hongze(2023), 2023),
    "every cell distinct": (every_cell_distinct("2021"), 2021),
    "amount with trailing zeros": (
        with_cell(hongze(2024), "/proactive/fees/amount", "12.500"),
        2024,
    ),
    "no narrative, channels or contact": (
        _without(seed_report(), "narrative", "channels", "contact", "fees_collected_yuan"),
        2020,
    ),
    "blanks and omitted totals": (_blanks_and_omissions(seed_report()), 2020),
}


@pytest.mark.parametrize("name", list(BODIES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_put_response_is_the_stored_revision_as_read_back(
    session: Session, township: Agency, name: str, lang: str
) -> None:
    payload, year = BODIES[name]
    body = parse_report({**payload, "status": "draft"}, year=year)  # stored whatever it breaks
    stored, _ = service.put_report(
        session,
        agency=township,
        year=year,
        body=body,
        writer=service.Writer("admin"),
        if_match=None,
    )

    # stored_report_json rebuilds and validates a body from the cells: the old PUT response.
    assert written_report_json(stored, body, lang) == stored_report_json(stored, lang)


def test_year_before_rewritten_while_the_rules_ran_is_checked_as_it_is_now(
    session: Session, township: Agency, monkeypatch: pytest.MonkeyPatch, clean_db: Engine
) -> None:
    last_year = seed_report()
    _put(session, township, last_year, 2020)
    this_year = copy.deepcopy(last_year)  # the same figures: "unchanged from previous"
    this_year["status"] = "draft"
    begin_report_write = store.begin_report_write

    def rewrite_the_year_before_first(writer_session: Session, **report: int) -> None:
        # Another writer stores a new 2020 revision after the rules ran on the old one.
        monkeypatch.setattr(store, "begin_report_write", begin_report_write)
        with Session(clean_db, expire_on_commit=False) as other:
            changed = with_cell(last_year, "/proactive/penalties/decisions", 987)
            _put(other, township, changed, 2020)
        begin_report_write(writer_session, **report)

    monkeypatch.setattr(store, "begin_report_write", rewrite_the_year_before_first)
    stored, _ = _put(session, township, this_year, 2021)

    rules = {finding["rule"] for finding in stored.revision.findings}
    assert "report.unchanged_from_previous" not in rules


def test_a_session_that_read_the_report_before_writing_reads_the_new_revision(
    session: Session, township: Agency
) -> None:
    _put(session, township, seed_report(), 2020)
    # Held, so the session's identity map keeps the head it loaded.
    first = service.get_report(session, agency=township, year=2020, include_unpublished=True)

    _put(session, township, with_cell(seed_report(), "/proactive/penalties/decisions", 5), 2020)

    latest = service.get_report(session, agency=township, year=2020, include_unpublished=True)
    assert (first.revision.revision, latest.revision.revision) == (1, 2)
    assert latest.cells[("proactive", "penalties", "decisions")] == 5


def _begins_writing_within(session: Session, seconds: float) -> threading.Event:
    """Call begin_write(session) in another thread; the event is set once it returned."""
    began = threading.Event()

    def write() -> None:
        begin_write(session)
        began.set()

    threading.Thread(target=write, daemon=True).start()
    began.wait(seconds)
    return began


def test_sqlite_writers_queue_in_process_until_the_transaction_ends(clean_db: Engine) -> None:
    if clean_db.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers queue per report on an advisory lock")
    first, second = Session(clean_db), Session(clean_db)
    try:
        begin_write(first)
        waiting = _begins_writing_within(second, 0.3)
        assert not waiting.is_set()  # queued behind the first writer
        first.rollback()
        assert waiting.wait(5)
        second.commit()

        # Whatever ends a transaction lets the next writer in: commit, rollback, close.
        begin_write(first)
        first.commit()
        assert _begins_writing_within(second, 5).is_set()
        second.close()
        assert _begins_writing_within(first, 5).is_set()
    finally:
        first.close()
        second.close()
