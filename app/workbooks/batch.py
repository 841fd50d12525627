"""Many reports at once: each item authorized and checked on its own, as one PUT would be.

An item that fails (unknown agency, another agency's key, a schema error, a published report
that breaks a rule, a stale If-Match) gets its own 4xx and problem; the others are stored all
the same. JSON items are stored ``CHUNK_ITEMS`` per transaction (app.reports.bulk); the
sheets of a subtree workbook, each in its own transaction through the one write path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from app.agencies.dependencies import Caller, authorize_write_on
from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.errors import PROBLEM_TYPE_BASE, ProblemError, SchemaProblem, SchemaValidationError
from app.formats.schema import parse_report_with_cells
from app.reports import bulk, service
from app.types import is_agency_code
from app.workbooks.reader import WorkbookRead, read_subtree_workbook
from app.workbooks.upload import store_read_report

MAX_BATCH_ITEMS = 500
# Items stored per transaction: big enough that the per-transaction work (commit, locks,
# roll-up rows) is shared, small enough that a single PUT waits at most one chunk.
CHUNK_ITEMS = 100
YEAR_MIN, YEAR_MAX = 2008, 2100

WriterOf = Callable[[Caller], service.Writer]


def problem_json(error: ProblemError) -> dict[str, Any]:
    """The problem body a single PUT would have answered with."""
    return {
        "type": PROBLEM_TYPE_BASE + error.code.replace("_", "-"),
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
        **{key: value for key, value in error.extensions.items() if value is not None},
    }


def batch_items(payload: dict[str, Any]) -> list[Any]:
    items = payload.get("items")
    extra = sorted(set(payload) - {"items"})
    problems = [SchemaProblem(pointer=f"/{key}", message="is not a known field") for key in extra]
    if not isinstance(items, list):
        problems.append(SchemaProblem(pointer="/items", message="must be a list of items"))
    elif len(items) > MAX_BATCH_ITEMS:
        problems.append(
            SchemaProblem(pointer="/items", message=f"at most {MAX_BATCH_ITEMS} items per batch")
        )
    if problems or not isinstance(items, list):
        raise SchemaValidationError(problems)
    return items


def store_json_items(
    session: Session, *, caller: Caller, items: list[Any], writer: service.Writer, lang: str
) -> list[dict[str, Any]]:
    """Each item checked and refused on its own; the others stored a chunk per transaction.
    Items are parsed a chunk at a time, so no more than a chunk of bodies is held at once."""
    answers: list[dict[str, Any]] = []
    agencies = _agencies_named(session, items)
    for start in range(0, len(items), CHUNK_ITEMS):
        checked: list[tuple[dict[str, Any], bulk.ChunkItem]] = []
        for index, item in enumerate(items[start : start + CHUNK_ITEMS], start=start):
            answer = _checked(session, caller, agencies, index, item, checked)
            answers.append(answer)
        if not checked:
            continue
        outcomes = bulk.put_reports(session, [item for _, item in checked], writer=writer)
        for (answer, _), outcome in zip(checked, outcomes, strict=True):
            answer.update(_outcome(outcome, lang))
    return answers


def _checked(
    session: Session,
    caller: Caller,
    agencies: dict[str, Agency],
    index: int,
    item: Any,
    checked: list[tuple[dict[str, Any], bulk.ChunkItem]],
) -> dict[str, Any]:
    """The item's answer: refused now, or (appended to ``checked``) to be stored."""
    code = item.get("agency_code") if isinstance(item, dict) else None
    year = item.get("year") if isinstance(item, dict) else None
    answer: dict[str, Any] = {"agency_code": code, "year": year}
    try:
        code, year = _check_item(item, index)
        agency = agencies.get(code) or get_agency_by_code(session, code)  # 404 when unknown
        authorize_write_on(caller, agency)
        body, completed = parse_report_with_cells(item["report"], year=year)
    except ProblemError as error:
        answer.update(_refused(error))
        return answer
    checked.append((answer, bulk.ChunkItem(agency, year, body, completed, item.get("if_match"))))
    return answer


def _agencies_named(session: Session, items: list[Any]) -> dict[str, Agency]:
    """The agencies the items name, in one query."""
    codes = {
        item["agency_code"]
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("agency_code"), str)
        and is_agency_code(item["agency_code"])
    }
    if not codes:
        return {}
    found = session.exec(select(Agency).where(col(Agency.code).in_(sorted(codes))))
    return {agency.code: agency for agency in found}


def _outcome(outcome: bulk.Outcome, lang: str) -> dict[str, Any]:
    if isinstance(outcome, ProblemError):
        return _refused(outcome)
    return {
        "status": 201 if outcome.created else 200,
        "revision": outcome.revision,
        "findings": outcome.findings.localized(lang),
    }


def _check_item(item: Any, index: int) -> tuple[str, int]:
    """The item's agency code and year, once it has the shape of an item."""
    at = f"/items/{index}"
    if not isinstance(item, dict):
        raise SchemaValidationError([SchemaProblem(pointer=at, message="must be an object")])
    problems = []
    known = {"agency_code", "year", "report", "if_match"}
    problems += [
        SchemaProblem(pointer=f"{at}/{key}", message="is not a known field")
        for key in sorted(set(item) - known)
    ]
    if not isinstance(item.get("agency_code"), str):
        problems.append(SchemaProblem(pointer=f"{at}/agency_code", message="must be a string"))
    year = item.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        problems.append(
            SchemaProblem(pointer=f"{at}/year", message=f"must be a year {YEAR_MIN}–{YEAR_MAX}")
        )
    if not isinstance(item.get("report"), dict):
        problems.append(SchemaProblem(pointer=f"{at}/report", message="must be a report object"))
    if item.get("if_match") is not None and not isinstance(item.get("if_match"), str):
        problems.append(SchemaProblem(pointer=f"{at}/if_match", message="must be a string"))
    if problems:
        raise SchemaValidationError(problems)
    return str(item["agency_code"]), int(year or 0)


def store_workbook_items(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    report_status: str,
    scope: str,
    writer: service.Writer,
    lang: str,
) -> list[dict[str, Any]]:
    """The subtree workbook: one item per agency sheet."""
    reads = read_subtree_workbook(data)
    if len(reads) > MAX_BATCH_ITEMS:
        raise SchemaValidationError(
            [SchemaProblem(pointer="", message=f"at most {MAX_BATCH_ITEMS} agency sheets")]
        )
    return [
        _one_sheet(session, caller, read, report_status, scope, writer=writer, lang=lang)
        for read in reads
    ]


def _one_sheet(
    session: Session,
    caller: Caller,
    read: WorkbookRead,
    report_status: str,
    scope: str,
    *,
    writer: service.Writer,
    lang: str,
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "agency_code": read.agency_code,
        "year": read.year,
        "sheet": read.sheet,
    }
    try:
        if read.agency_code is None or read.year is None:
            raise SchemaValidationError(
                [
                    SchemaProblem(
                        pointer="", message=f"sheet {read.sheet} names no 机关代码 or 报告年度"
                    )
                ]
            )
        agency = get_agency_by_code(session, read.agency_code)
        authorize_write_on(caller, agency)
        _, created, written = store_read_report(
            session,
            agency=agency,
            year=read.year,
            read=read,
            report_status=report_status,
            scope=scope,
            writer=writer,
            if_match=None,
            lang=lang,
        )
    except ProblemError as error:
        return {**answer, **_refused(error)}
    return {**answer, **_stored(created, written)}


def _stored(created: bool, written: dict[str, Any]) -> dict[str, Any]:
    answer = {
        "status": 201 if created else 200,
        "revision": written["revision"],
        "findings": written["findings"],
    }
    if "diagnostics" in written:
        answer["diagnostics"] = written["diagnostics"]
    return answer


def _refused(error: ProblemError) -> dict[str, Any]:
    return {
        "status": error.status,
        "findings": error.extensions.get("findings") or [],
        "problem": problem_json(error),
    }
